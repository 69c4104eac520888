package eventhandler;

import eventhandler.cli.RootCommand;

/** Entry point of {@code teleport-event-handler}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Fluentd's in_http cannot resume TLS sessions (it never sets a session id context), so a
    // resumed handshake gets a fatal alert. Session tickets must be off before the first TLS use.
    System.setProperty("jdk.tls.client.enableSessionTicketExtension", "false");
    System.exit(RootCommand.run(args));
  }
}
