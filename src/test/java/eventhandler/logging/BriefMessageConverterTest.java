package eventhandler.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BriefMessageConverterTest {
  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void normalDetail() {
    LogDetail.reset();
  }

  private String convert(String message, Throwable thrown) {
    LoggingEvent event =
        new LoggingEvent(
            "x", context.getLogger("test"), Level.WARN, message, thrown, new Object[0]);
    return new BriefMessageConverter().convert(event);
  }

  @Test
  void aStackTraceInsideAMessageIsCutAtItsFirstFrame() {
    String grpc =
        "Failed to resolve name. status=Status{code=UNAVAILABLE, cause=java.lang.Runtime"
            + "Exception: java.net.UnknownHostException: nosuch\n"
            + "\tat io.grpc.internal.DnsNameResolver.resolveAddresses(DnsNameResolver.java:224)\n"
            + "\tat java.base/java.lang.Thread.run(Thread.java:840)\n"
            + "Caused by: java.net.UnknownHostException: nosuch\n}";

    assertThat(convert(grpc, null))
        .isEqualTo(
            "Failed to resolve name. status=Status{code=UNAVAILABLE, cause=java.lang.Runtime"
                + "Exception: java.net.UnknownHostException: nosuch ...");
  }

  @Test
  void anExceptionIsItsClassAndMessageWithoutDebug() {
    assertThat(convert("writing failed", new IOException("disk full")))
        .isEqualTo(
            "writing failed (java.io.IOException: disk full; --debug shows the stack trace)");
  }

  @Test
  void debugShowsTheWholeStackTrace() {
    LogDetail.enableDebug();

    assertThat(convert("writing failed", new IOException("disk full")))
        .startsWith("writing failed" + System.lineSeparator() + "java.io.IOException: disk full")
        .contains("\tat eventhandler.logging.BriefMessageConverterTest");
  }

  @Test
  void aMultiLineMessageWithoutFramesIsKeptWhole() {
    assertThat(convert("cannot connect:\n  - direct: refused\nCheck the address.", null))
        .isEqualTo("cannot connect:\n  - direct: refused\nCheck the address.");
  }
}
