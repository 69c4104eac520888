package eventhandler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a process listens on a TCP port yet.
 *
 * <p>On Linux it reads the kernel's socket table instead of connecting: a probe connection would
 * show up in the middlebox's own logs (nginx's stream access log, tinyproxy's connect log) that
 * tests assert on, and a socket of another process that took the port would look like success.
 */
final class ListeningSockets {
  private static final List<Path> TABLES =
      List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
  private static final String LISTEN = "0A";
  private static final int LOCAL_ADDRESS = 1;
  private static final int STATE = 3;
  private static final int INODE = 9;

  private ListeningSockets() {}

  /** Whether {@code process} holds a listening socket on {@code port} (any local address). */
  static boolean listens(ProcessHandle process, int port) {
    if (!Files.isReadable(TABLES.get(0))) {
      return acceptsConnections(port);
    }
    Set<String> inodes = listeningInodes(port);
    if (inodes.isEmpty()) {
      return false;
    }
    Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      for (Path fd : entries) {
        String target = readLink(fd);
        if (target.startsWith("socket:[")
            && inodes.contains(target.substring(8, target.length() - 1))) {
          return true;
        }
      }
      return false;
    } catch (NoSuchFileException e) {
      return false; // the process has ended
    } catch (AccessDeniedException e) {
      return true; // someone listens, and this user may not look closer
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> listeningInodes(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    Set<String> inodes = new HashSet<>();
    for (Path table : TABLES) {
      if (!Files.isReadable(table)) {
        continue;
      }
      try {
        for (String line : Files.readAllLines(table)) {
          String[] fields = line.strip().split("\\s+");
          if (fields.length > INODE
              && fields[STATE].equals(LISTEN)
              && fields[LOCAL_ADDRESS].toUpperCase(Locale.ROOT).endsWith(hexPort)) {
            inodes.add(fields[INODE]);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + table, e);
      }
    }
    return inodes;
  }

  private static String readLink(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return ""; // closed since the listing
    }
  }

  /** Off Linux: a plain connection attempt. */
  private static boolean acceptsConnections(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(FreePorts.LOOPBACK, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
