package eventhandler.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code %brief} of the console pattern: the message, and of an exception only its class and
 * message, unless {@link LogDetail} is on ({@code --debug}), which shows everything.
 *
 * <p>Libraries put stack traces into messages too: gRPC's "Failed to resolve name" warning prints a
 * {@code Status} whose text holds its cause's whole stack. Such a message is cut before its first
 * stack frame, so that a user without {@code --debug} reads one clear line per problem.
 */
public final class BriefMessageConverter extends ClassicConverter {
  private static final Pattern STACK_FRAME = Pattern.compile("\\R\\s+at \\S+\\(");
  private static final Pattern CAUSE_LINE = Pattern.compile("\\RCaused by: ");

  @Override
  public String convert(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    IThrowableProxy thrown = event.getThrowableProxy();
    if (LogDetail.enabled()) {
      return thrown == null
          ? message
          : message + System.lineSeparator() + ThrowableProxyUtil.asString(thrown).stripTrailing();
    }
    String brief = withoutStackTrace(message == null ? "" : message);
    if (thrown == null) {
      return brief;
    }
    String reason = thrown.getMessage();
    return brief
        + " ("
        + thrown.getClassName()
        + (reason == null ? "" : ": " + withoutStackTrace(reason))
        + "; --debug shows the stack trace)";
  }

  /** The text before the first stack frame or "Caused by:" line, if any. */
  static String withoutStackTrace(String text) {
    int cut = text.length();
    for (Pattern marker : new Pattern[] {STACK_FRAME, CAUSE_LINE}) {
      Matcher matcher = marker.matcher(text);
      if (matcher.find()) {
        cut = Math.min(cut, matcher.start());
      }
    }
    return cut == text.length() ? text : text.substring(0, cut).stripTrailing() + " ...";
  }
}
