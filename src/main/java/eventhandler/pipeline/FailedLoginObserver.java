package eventhandler.pipeline;

import com.google.protobuf.Struct;
import java.time.Instant;

/** Receives every exported {@code user.login} event (the auto-locker). */
public interface FailedLoginObserver {
  /** The audit event type it receives. */
  String USER_LOGIN = "user.login";

  /** Ignores logins (auto-lock off): their bodies then need not be decoded at all. */
  FailedLoginObserver NONE = (event, eventTime) -> {};

  void onLogin(Struct event, Instant eventTime);
}
