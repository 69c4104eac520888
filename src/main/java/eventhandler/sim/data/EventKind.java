package eventhandler.sim.data;

/** The kinds of audit events the simulated cluster emits, with Teleport's type and code. */
public enum EventKind {
  USER_LOGIN("user.login", "T1000I"),
  USER_LOGIN_FAILURE("user.login", "T1000W"),
  SESSION_START("session.start", "T2000I"),
  SESSION_END("session.end", "T2004I"),
  SESSION_UPLOAD("session.upload", "T2005I"),
  EXEC("exec", "T3002I"),
  CERT_CREATE("cert.create", "TC000I"),
  ROLE_CREATED("role.created", "T9000I"),
  ACCESS_REQUEST_CREATE("access_request.create", "T5000I");

  private final String type;
  private final String code;

  EventKind(String type, String code) {
    this.type = type;
    this.code = code;
  }

  /** The event type: the JSON {@code event} field and {@code EventUnstructured.type}. */
  public String type() {
    return type;
  }

  public String code() {
    return code;
  }
}
