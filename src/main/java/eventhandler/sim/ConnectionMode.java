package eventhandler.sim;

/** How a client reached the simulated Auth Service. */
public enum ConnectionMode {
  /** Straight to the Auth Service port (like {@code auth:3025}). */
  DIRECT,
  /** Through the Proxy Service's TLS routing front (like {@code teleport.example.com:443}). */
  PROXY
}
