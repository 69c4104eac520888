package eventhandler.configure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Looks up the addresses of a DNS name. */
@FunctionalInterface
public interface HostResolver {
  List<InetAddress> resolve(String name) throws UnknownHostException;

  /** The system resolver (hosts file, then DNS). */
  static HostResolver system() {
    return name -> List.of(InetAddress.getAllByName(name));
  }
}
