package eventhandler.configure;

import eventhandler.config.GoDuration;
import eventhandler.config.HostPort;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code configure} command line as typed (strings), and its validation into {@link
 * ConfigureSettings}. Each error names the argument and says what is accepted.
 */
public record ConfigureArguments(
    String out,
    String teleportAddress,
    String caName,
    String serverName,
    String clientName,
    String output,
    String ttl,
    List<String> dnsNames,
    List<String> ips,
    String commonName,
    String length,
    boolean force) {
  public static final String DEFAULT_OUT = ".";
  public static final String DEFAULT_ADDRESS = "localhost:3025";
  public static final String DEFAULT_CA_NAME = "ca";
  public static final String DEFAULT_SERVER_NAME = "server";
  public static final String DEFAULT_CLIENT_NAME = "client";
  public static final String DEFAULT_OUTPUT = "fluentd";
  public static final String DEFAULT_TTL = "87600h";
  public static final String DEFAULT_DNS_NAMES = "localhost";
  public static final String DEFAULT_COMMON_NAME = "localhost";
  public static final String DEFAULT_LENGTH = "4096";

  private static final Set<Integer> KEY_LENGTHS = Set.of(1024, 2048, 4096);
  private static final Pattern DNS_NAME =
      Pattern.compile("[A-Za-z0-9*_]([A-Za-z0-9*_.-]*[A-Za-z0-9])?");

  /**
   * The validated settings; a relative {@code out} is taken relative to {@code workingDirectory}.
   */
  public ConfigureSettings toSettings(Path workingDirectory) throws ConfigureException {
    if (!DEFAULT_OUTPUT.equals(output)) {
      throw ConfigureException.userError(
          "--output '" + output + "' is not supported: the only output is fluentd");
    }
    Path dir = outputDirectory(workingDirectory);
    SetupLayout layout =
        new SetupLayout(
            dir,
            fileName("ca-name", caName),
            fileName("server-name", serverName),
            fileName("client-name", clientName));
    if (Stream.of(layout.caName(), layout.serverName(), layout.clientName()).distinct().count()
        != 3) {
      throw ConfigureException.userError(
          "<ca-name>, <server-name> and <client-name> must differ (they name the .crt and .key"
              + " files)");
    }
    List<String> names = validDnsNames();
    List<InetAddress> addresses = validIpAddresses();
    if (names.isEmpty() && addresses.isEmpty()) {
      throw ConfigureException.userError(
          "the server certificate needs at least one name: give --dns-names or --ip");
    }
    return new ConfigureSettings(
        layout,
        validTeleportAddress(),
        validTtl(),
        names,
        addresses,
        validCommonName(),
        validKeyBits(),
        force);
  }

  private Path outputDirectory(Path workingDirectory) throws ConfigureException {
    Path dir;
    try {
      dir = workingDirectory.resolve(out);
    } catch (InvalidPathException e) {
      throw ConfigureException.userError("<out> '" + out + "' is not a valid path");
    }
    if (!Files.isDirectory(dir)) {
      throw ConfigureException.userError(
          "output directory '"
              + out
              + "' "
              + (Files.exists(dir) ? "is not a directory" : "does not exist")
              + ": create it first (mkdir -p "
              + out
              + ")");
    }
    return dir.toAbsolutePath().normalize();
  }

  private static String fileName(String argument, String value) throws ConfigureException {
    if (value == null
        || value.isBlank()
        || value.equals(".")
        || value.equals("..")
        || value.contains("/")
        || value.contains("\\")
        || value.chars().anyMatch(Character::isISOControl)) {
      throw ConfigureException.userError(
          "<"
              + argument
              + "> '"
              + value
              + "' must be a plain file name without directories: it names the .crt and .key"
              + " files in the output directory");
    }
    return value;
  }

  private String validTeleportAddress() throws ConfigureException {
    String hint =
        "give host:port of the Teleport Proxy Service (usually port 443) or Auth Service (usually"
            + " 3025), such as teleport.example.com:443";
    if (teleportAddress == null
        || teleportAddress.isBlank()
        || teleportAddress
            .chars()
            .anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw ConfigureException.userError(
          "<addr> '" + teleportAddress + "' is not an address: " + hint);
    }
    try {
      // start's own rule, so the TOML and the Helm values never carry an address start refuses
      HostPort.teleportAddress(teleportAddress);
    } catch (IllegalArgumentException e) {
      throw ConfigureException.userError(
          "<addr> '" + teleportAddress + "': " + e.getMessage() + "; " + hint);
    }
    return teleportAddress;
  }

  private Duration validTtl() throws ConfigureException {
    Duration parsed;
    try {
      parsed = GoDuration.parse(ttl);
    } catch (IllegalArgumentException e) {
      throw ConfigureException.userError("--ttl: " + e.getMessage());
    }
    if (parsed.isNegative() || parsed.isZero()) {
      throw ConfigureException.userError("--ttl '" + ttl + "' must be positive, such as 87600h");
    }
    return parsed;
  }

  private List<String> validDnsNames() throws ConfigureException {
    List<String> names = new ArrayList<>();
    for (String name : nonBlank(dnsNames)) {
      if (IpLiteral.parse(name).isPresent()) {
        throw ConfigureException.userError(
            "--dns-names '" + name + "' is an IP address: give addresses with --ip instead");
      }
      if (!DNS_NAME.matcher(name).matches()) {
        throw ConfigureException.userError("--dns-names '" + name + "' is not a DNS name");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  private List<InetAddress> validIpAddresses() throws ConfigureException {
    List<InetAddress> addresses = new ArrayList<>();
    for (String ip : nonBlank(ips)) {
      Optional<InetAddress> address = IpLiteral.parse(ip);
      if (address.isEmpty()) {
        throw ConfigureException.userError(
            "--ip '" + ip + "' is not an IP address (such as 10.0.0.5 or fd00::5)");
      }
      if (!addresses.contains(address.get())) {
        addresses.add(address.get());
      }
    }
    return addresses;
  }

  private String validCommonName() throws ConfigureException {
    if (commonName == null
        || commonName.isBlank()
        || commonName.length() > 64
        || commonName.chars().anyMatch(Character::isISOControl)) {
      throw ConfigureException.userError(
          "--cn '" + commonName + "' must be 1 to 64 characters, such as handler.example.com");
    }
    return commonName;
  }

  private int validKeyBits() throws ConfigureException {
    try {
      int bits = Integer.parseInt(length.trim());
      if (KEY_LENGTHS.contains(bits)) {
        return bits;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ConfigureException.userError("--length '" + length + "' must be 1024, 2048 or 4096");
  }

  private static List<String> nonBlank(List<String> values) {
    if (values == null) {
      return List.of();
    }
    return values.stream().map(String::trim).filter(value -> !value.isEmpty()).toList();
  }
}
