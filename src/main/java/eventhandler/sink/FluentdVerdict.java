package eventhandler.sink;

/** What a Fluentd in_http response means for the events of the request. */
enum FluentdVerdict {
  /** Every event of the request was accepted. */
  ACCEPTED,
  /**
   * Fluentd refused the request because of its content and would refuse it again: some event is at
   * fault (bad JSON or time: 400; too large: 413; not an object, or larger than the output buffer
   * chunk: a 500 saying so). The batch is split to find the event(s).
   */
  REFUSED,
  /** Fluentd could not take the request now (5xx, 429, anything else): send it again later. */
  RETRY;

  static FluentdVerdict of(int status, String body) {
    if (status >= 200 && status < 300) {
      return ACCEPTED;
    }
    if (status == 400 || status == 413) {
      return REFUSED;
    }
    if (status == 500
        && (body.contains("record must be a Hash")
            || body.contains("larger than buffer chunk limit size"))) {
      return REFUSED;
    }
    return RETRY;
  }

  /**
   * The gist of a refusal for a log line, without event content: in_http answers {@code "400 Bad
   * Request\nReceived event is not json: <the body>"}, so only the text before the first colon of
   * the explanation is kept.
   */
  static String gist(String body) {
    String[] lines = body.strip().split("\n", 3);
    String explanation = lines.length > 1 ? lines[1] : lines[0];
    int colon = explanation.indexOf(':');
    String gist = colon >= 0 ? explanation.substring(0, colon) : explanation;
    gist = gist.strip();
    return gist.length() > 80 ? gist.substring(0, 80) + "..." : gist;
  }
}
