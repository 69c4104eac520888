package eventhandler.state;

/** The state directory's name for a Teleport address, as the Go plugin names it. */
final class StateDirectoryName {
  private StateDirectoryName() {}

  static String of(String teleportAddr) {
    String host;
    String port;
    if (teleportAddr.startsWith("[")) {
      int close = teleportAddr.indexOf(']');
      if (close < 0
          || close + 1 >= teleportAddr.length()
          || teleportAddr.charAt(close + 1) != ':') {
        throw badAddress(teleportAddr);
      }
      host = teleportAddr.substring(1, close);
      port = teleportAddr.substring(close + 2);
    } else {
      int colon = teleportAddr.lastIndexOf(':');
      if (colon < 0) {
        throw badAddress(teleportAddr);
      }
      host = teleportAddr.substring(0, colon);
      port = teleportAddr.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw badAddress(teleportAddr);
      }
    }
    if (host.contains("[") || host.contains("]") || port.contains("[") || port.contains("]")) {
      throw badAddress(teleportAddr);
    }
    String name = (host + "_" + port).strip();
    if (name.equals("_") || name.contains("/") || name.indexOf('\0') >= 0) {
      throw badAddress(teleportAddr);
    }
    return name;
  }

  private static IllegalArgumentException badAddress(String teleportAddr) {
    return new IllegalArgumentException(
        "Cannot name the storage directory after Teleport address '"
            + teleportAddr
            + "': --teleport-addr must be host:port, for example teleport.example.com:443");
  }
}
