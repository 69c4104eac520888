package eventhandler.teleport.dial;

import java.net.SocketAddress;
import java.util.Optional;

/**
 * Where gRPC connects when its connections must be carried by something it cannot put in its own
 * pipeline (a front's TLS, an SSH channel); says why the last carried connection failed.
 */
public interface Bridge extends AutoCloseable {
  SocketAddress address();

  Optional<DialException> lastFailure();

  @Override
  void close();
}
