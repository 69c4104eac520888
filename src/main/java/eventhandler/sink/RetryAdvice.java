package eventhandler.sink;

/** What to check, after a failed request, in the words of the warning that reports it. */
final class RetryAdvice {
  private RetryAdvice() {}

  static String of(ExchangeResult result) {
    return switch (result.failure()) {
      case CONNECT -> "; is Fluentd running and the URL right?";
      case TLS -> "; check --fluentd-ca, --fluentd-cert, --fluentd-key and the host name";
      case CLOSED -> "; is Fluentd stopping or restarting?";
      default -> {
        if (!result.hasResponse()) {
          yield "";
        }
        if (result.status() == 429) {
          yield "; Fluentd, or a proxy in front of it, asks to send more slowly";
        }
        yield result.status() >= 400 && result.status() < 500
            ? "; check the Fluentd URL and configuration"
            : "";
      }
    };
  }
}
