package eventhandler.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsoleLogSetupTest {
  @Test
  void logbackFindsTheSetupThroughItsServiceFile() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

    assertThat(root.getAppender("STDERR")).isInstanceOf(ConsoleAppender.class);
    assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void aConfigurationFileGivenByTheUserTakesOver() {
    LoggerContext context = new LoggerContext();
    String before = System.setProperty("logback.configurationFile", "custom-logback.xml");
    try {
      assertThat(new ConsoleLogSetup().configure(context))
          .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
    }
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext())
        .isFalse();
  }

  @Test
  void writesTimestampedLinesToStderrAtInfo() {
    LoggerContext context = new LoggerContext();
    new ConsoleLogSetup().configure(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

    ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern())
        .isEqualTo(ConsoleLogSetup.PATTERN);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void debugRaisesTheLevelsAndShowsStackTracesUntilReset() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    try {
      LogDetail.enableDebug();
      assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
      assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.INFO);
      assertThat(context.getLogger(ConsoleLogSetup.CHANNEL_LOGGER).getEffectiveLevel())
          .isEqualTo(Level.INFO);
      assertThat(java.util.logging.Logger.getLogger("io.grpc").getLevel())
          .as("copied to java.util.logging")
          .isEqualTo(java.util.logging.Level.INFO);
    } finally {
      LogDetail.reset();
    }
    assertThat(LogDetail.enabled()).isFalse();
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger(ConsoleLogSetup.CHANNEL_LOGGER).getLevel()).isEqualTo(Level.ERROR);
    assertThat(java.util.logging.Logger.getLogger("io.netty").getLevel())
        .isEqualTo(java.util.logging.Level.WARNING);
  }
}
