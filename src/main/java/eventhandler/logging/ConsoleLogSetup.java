package eventhandler.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Map;

/**
 * The program's logging: human-readable lines on stderr, INFO and up, gRPC and Netty at WARN, no
 * stack traces ({@link BriefMessageConverter}); {@link LogDetail} raises the levels and shows stack
 * traces for {@code --debug}. {@code java.util.logging} (gRPC, Netty) reaches it through {@link
 * JulBridge}; the levels set here are copied to JUL, so that JUL does not even build the records
 * that would be dropped.
 *
 * <p>Set up in code rather than by a {@code logback.xml} because reading XML costs about a tenth of
 * a second of class loading at every start. A file given with {@code -Dlogback.configurationFile}
 * still takes precedence.
 */
public final class ConsoleLogSetup extends ContextAwareBase implements Configurator {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %brief%n%nopex";

  static final String CHANNEL_LOGGER = "io.grpc.internal.ManagedChannelImpl";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LevelChangePropagator toJul = new LevelChangePropagator();
    toJul.setContext(context);
    toJul.setResetJUL(true);
    toJul.start();
    context.addListener(toJul);

    Map<String, String> conversions = new HashMap<>();
    conversions.put("brief", BriefMessageConverter.class.getName());
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY, conversions);

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();

    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    normalLevels(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** INFO, and WARN for the libraries whose INFO lines mean nothing to a user. */
  static void normalLevels(LoggerContext context) {
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
    for (String library : LogDetail.LIBRARIES) {
      context.getLogger(library).setLevel(Level.WARN);
    }
    // Its warnings ("Failed to resolve name", with the cause's stack in the text) repeat a failed
    // call that the program reports itself in words, with what to check.
    context.getLogger(CHANNEL_LOGGER).setLevel(Level.ERROR);
  }
}
