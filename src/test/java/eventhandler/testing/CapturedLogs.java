package eventhandler.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** The log lines one class writes while a test runs. */
public final class CapturedLogs implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures the logger of {@code className} (a class name, so package-private ones work). */
  public static CapturedLogs of(String className) {
    return new CapturedLogs(className);
  }

  /** The messages logged at {@code level} or above. */
  public List<String> messages(Level level) {
    return messagesWhere(event -> event.getLevel().isGreaterOrEqual(level));
  }

  /** The messages logged at exactly {@code level}. */
  public List<String> messagesAt(Level level) {
    return messagesWhere(event -> event.getLevel() == level);
  }

  private List<String> messagesWhere(Predicate<ILoggingEvent> filter) {
    // A copy: the code under test may still be logging from its own threads.
    return List.copyOf(appender.list).stream()
        .filter(filter)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
