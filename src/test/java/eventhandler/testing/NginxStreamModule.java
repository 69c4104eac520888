package eventhandler.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an nginx binary gets its {@code stream} module: compiled in, or as a dynamic module that the
 * configuration must {@code load_module} (Debian's libnginx-mod-stream).
 *
 * @param file the module to load; null when it is compiled in
 */
record NginxStreamModule(Path file) {
  static final String MODULE_FILE = "ngx_stream_module.so";

  /** Where distributions put dynamic modules, after the directory the binary was built with. */
  private static final List<Path> MODULE_DIRS =
      List.of(
          Path.of("/usr/lib/nginx/modules"),
          Path.of("/usr/lib64/nginx/modules"),
          Path.of("/usr/share/nginx/modules"),
          Path.of("/usr/local/nginx/modules"));

  private static final Pattern MODULES_PATH = Pattern.compile("--modules-path=(\\S+)");
  private static final Pattern STATIC_STREAM = Pattern.compile("--with-stream(\\s|$)");
  private static final Map<Path, Optional<NginxStreamModule>> CACHE = new ConcurrentHashMap<>();

  /** The stream module of {@code nginx}, empty when it has none. */
  static Optional<NginxStreamModule> of(Path nginx) {
    return CACHE.computeIfAbsent(nginx, NginxStreamModule::detect);
  }

  /** The stream module, or an error that says which package brings it. */
  static NginxStreamModule required(Path nginx) {
    return of(nginx)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    nginx
                        + " has no stream module compiled in and no "
                        + MODULE_FILE
                        + " was found in its modules path or "
                        + MODULE_DIRS
                        + "; install it with: "
                        + Middleboxes.INSTALL_COMMAND));
  }

  /** The directive that makes the module available, first in the configuration. */
  String loadDirective() {
    return file == null ? "" : "load_module " + NginxConfig.quoted(file) + ";\n";
  }

  private static Optional<NginxStreamModule> detect(Path nginx) {
    String build = buildOptions(nginx);
    if (STATIC_STREAM.matcher(build).find()) {
      return Optional.of(new NginxStreamModule(null));
    }
    List<Path> dirs = new ArrayList<>();
    Matcher modulesPath = MODULES_PATH.matcher(build);
    if (modulesPath.find()) {
      dirs.add(Path.of(modulesPath.group(1)));
    }
    dirs.addAll(MODULE_DIRS);
    return dirs.stream()
        .map(dir -> dir.resolve(MODULE_FILE))
        .filter(Files::isRegularFile)
        .findFirst()
        .map(NginxStreamModule::new);
  }

  /** What {@code nginx -V} prints: its version and configure arguments. */
  private static String buildOptions(Path nginx) {
    try {
      Process process =
          new ProcessBuilder(nginx.toString(), "-V").redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return new String(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
