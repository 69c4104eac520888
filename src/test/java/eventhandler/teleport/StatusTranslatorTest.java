package eventhandler.teleport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTranslatorTest {
  private final StatusTranslator translator =
      new StatusTranslator(64 * 1024 * 1024, "--teleport-max-message-size");

  @ParameterizedTest
  @CsvSource({
    "UNAVAILABLE, CONNECTION, true",
    "DEADLINE_EXCEEDED, CONNECTION, true",
    "NOT_FOUND, NOT_FOUND, false",
    "UNIMPLEMENTED, NOT_IMPLEMENTED, false",
    "PERMISSION_DENIED, ACCESS_DENIED, false",
    "UNAUTHENTICATED, UNAUTHENTICATED, false",
    "INVALID_ARGUMENT, BAD_PARAMETER, false",
    "RESOURCE_EXHAUSTED, LIMIT_EXCEEDED, true",
    "CANCELLED, CANCELLED, false",
    "INTERNAL, OTHER, true",
    "UNKNOWN, OTHER, true",
    "FAILED_PRECONDITION, OTHER, false",
  })
  void mapsEveryStatusToAKind(Status.Code code, TeleportException.Kind kind, boolean retryable) {
    TeleportException error =
        translator.translate("searching audit events", Status.fromCode(code).withDescription("x"));

    assertThat(error.kind()).isEqualTo(kind);
    assertThat(error.isRetryable()).isEqualTo(retryable);
    assertThat(error.grpcCode()).isEqualTo(code);
    assertThat(error.getMessage()).startsWith("searching audit events failed: ");
  }

  @Test
  void aRateLimitIsRetryableButATooLargeMessageIsNot() {
    TeleportException rate =
        translator.translate(
            "searching",
            Status.RESOURCE_EXHAUSTED.withDescription("rate limit exceeded for searching events"));
    TeleportException size =
        translator.translate(
            "searching",
            Status.RESOURCE_EXHAUSTED.withDescription(
                "gRPC message exceeds maximum size 67108864: 70000000"));

    assertThat(rate.isRetryable()).isTrue();
    assertThat(size.isRetryable()).isFalse();
    assertThat(size.getMessage())
        .contains("larger than the maximum gRPC message size of 67108864 bytes")
        .contains("Raise --teleport-max-message-size");
  }

  @Test
  void unauthenticatedPointsAtRenewingTheCertificate() {
    assertThat(
            translator
                .translate("ping", Status.UNAUTHENTICATED.withDescription("certificate expired"))
                .getMessage())
        .contains("certificate expired")
        .contains("tctl auth sign");
  }

  @Test
  void connectionReasonsAreInUserTerms() {
    assertThat(
            StatusTranslator.reason(
                Status.UNAVAILABLE.withCause(new UnknownHostException("auth.example.com"))))
        .startsWith("DNS lookup failed");
    assertThat(
            StatusTranslator.reason(
                Status.UNAVAILABLE.withCause(new ConnectException("Connection refused"))))
        .startsWith("connection refused");
    assertThat(
            StatusTranslator.reason(
                Status.UNAVAILABLE.withCause(
                    new SSLHandshakeException("Received fatal alert: no_application_protocol"))))
        .startsWith("ALPN refused");
    assertThat(
            StatusTranslator.reason(
                Status.UNAVAILABLE.withCause(
                    new SSLHandshakeException("Received fatal alert: bad_certificate"))))
        .startsWith("the server rejected the client certificate");
    assertThat(StatusTranslator.reason(Status.DEADLINE_EXCEEDED.withDescription("deadline")))
        .startsWith("timeout");
  }
}
