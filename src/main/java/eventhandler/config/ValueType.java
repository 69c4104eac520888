package eventhandler.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the text of a setting (from a flag, an environment variable or the TOML file) becomes a typed
 * value, how that value is printed back, and how it is masked before it is shown.
 */
public enum ValueType {
  STRING("<text>", text -> text),
  BOOLEAN("<bool>") {
    // The spellings Go's strconv.ParseBool accepts, which the Go plugin's env vars use.
    private final Set<String> trueWords = Set.of("1", "t", "T", "true", "TRUE", "True");
    private final Set<String> falseWords = Set.of("0", "f", "F", "false", "FALSE", "False");

    @Override
    public Object parse(String text) {
      String s = text.strip();
      if (trueWords.contains(s)) {
        return Boolean.TRUE;
      }
      if (falseWords.contains(s)) {
        return Boolean.FALSE;
      }
      throw new IllegalArgumentException("expected true or false, got \"" + text + "\"");
    }
  },
  INTEGER("<n>") {
    @Override
    public Object parse(String text) {
      try {
        return Integer.parseInt(text.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a whole number, got \"" + text + "\"");
      }
    }
  },
  DURATION("<duration>", GoDuration::parse, value -> GoDuration.format((Duration) value)),
  BYTE_SIZE("<size>", ByteSize::parse, value -> ByteSize.format((Long) value)),
  PATH("<path>") {
    @Override
    public Object parse(String text) {
      if (text.isBlank()) {
        throw new IllegalArgumentException("expected a path, got an empty value");
      }
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("invalid path \"" + text + "\": " + e.getReason());
      }
    }
  },
  HTTPS_URL("<url>") {
    @Override
    public Object parse(String text) {
      String hint =
          "expected an https URL with a host, like https://fluentd.example.com:8888/test.log, got \""
              + mask(text)
              + "\"";
      URI uri;
      try {
        uri = new URI(text.strip());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(hint);
      }
      if (uri.getScheme() == null
          || !uri.getScheme().toLowerCase(Locale.ROOT).equals("https")
          || uri.getHost() == null) {
        throw new IllegalArgumentException(hint);
      }
      return uri;
    }

    @Override
    public String format(Object value) {
      return mask(value.toString());
    }

    @Override
    public String mask(String text) {
      return maskQuery(maskUserInfo(text));
    }

    private String maskUserInfo(String text) {
      Matcher m = URL_USERINFO.matcher(text);
      if (!m.find()) {
        return text;
      }
      String userInfo = m.group(2);
      int colon = userInfo.indexOf(':');
      // user:password keeps the user; a lone userinfo is usually a token, so all of it goes.
      String masked = colon >= 0 ? userInfo.substring(0, colon) + ":***" : "***";
      return m.group(1) + masked + "@" + text.substring(m.end());
    }

    /**
     * Every query value becomes {@code ***}, names kept: a query carries tokens ({@code
     * ?token=...}, {@code ?sig=...}) as often as anything else, and no name list can tell which.
     */
    private String maskQuery(String text) {
      int query = text.indexOf('?');
      if (query < 0) {
        return text;
      }
      int fragment = text.indexOf('#', query);
      String end = fragment < 0 ? "" : text.substring(fragment);
      String parameters = text.substring(query + 1, fragment < 0 ? text.length() : fragment);
      return text.substring(0, query + 1)
          + QUERY_VALUE.matcher(parameters).replaceAll("=***")
          + end;
    }
  },
  HOST_PORT("<host:port>", text -> HostPort.parse(text, true)),
  /** A {@code host:port} to listen on; an empty host listens on every interface. */
  LISTEN_ADDRESS("<host:port>", text -> HostPort.parse(text, true, "127.0.0.1:9090")),
  LIST("<list>") {
    @Override
    public Object parse(String text) {
      return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String format(Object value) {
      return String.join(",", asStrings(value));
    }
  },
  TIMESTAMP("<time>") {
    @Override
    public Object parse(String text) {
      try {
        return OffsetDateTime.parse(text.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .toInstant()
            .truncatedTo(ChronoUnit.SECONDS);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "expected an RFC 3339 time like 2021-05-05T00:00:00Z, got \"" + text + "\"");
      }
    }

    @Override
    public String format(Object value) {
      return DateTimeFormatter.ISO_INSTANT.format((Instant) value);
    }
  };

  private static final Pattern QUERY_VALUE = Pattern.compile("=[^&;]*");
  private static final Pattern URL_USERINFO =
      Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*)@");

  private final String label;
  // Set for the types that are just a parser and a printer elsewhere; the others override.
  private final Function<String, Object> parser;
  private final Function<Object, String> printer;

  ValueType(String label) {
    this(label, null);
  }

  ValueType(String label, Function<String, Object> parser) {
    this(label, parser, Object::toString);
  }

  ValueType(String label, Function<String, Object> parser, Function<Object, String> printer) {
    this.label = label;
    this.parser = parser;
    this.printer = printer;
  }

  /** The placeholder shown in help, like {@code <duration>}. */
  public String label() {
    return label;
  }

  /**
   * Converts text to the typed value ({@link String}, {@link Boolean}, {@link Integer}, {@link
   * Duration}, {@link Long} bytes, {@link Path}, {@link URI}, {@link HostPort}, {@code
   * List<String>}, {@link Instant}).
   *
   * @throws IllegalArgumentException with a message fit for the user when the text is invalid
   */
  public Object parse(String text) {
    return parser.apply(text);
  }

  /** Prints a typed value so that {@link #parse} reads it back; secrets are masked. */
  public String format(Object value) {
    return printer.apply(value);
  }

  /** Hides secrets in text of this type (a password in a URL); other text is returned as is. */
  public String mask(String text) {
    return text;
  }

  @SuppressWarnings("unchecked")
  private static List<String> asStrings(Object value) {
    return (List<String>) value;
  }
}
