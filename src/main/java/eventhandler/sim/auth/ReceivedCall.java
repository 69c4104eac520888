package eventhandler.sim.auth;

/** A call the simulated Auth Service received: full method name and {@code version} header. */
public record ReceivedCall(String method, String versionHeader) {}
