package eventhandler.sim.data;

import com.google.protobuf.Timestamp;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The audit log: builds the event at any index from (seed, index) alone, in the JSON shapes
 * Teleport uses ({@code event}, {@code uid}, {@code code}, {@code time}, {@code ei}, {@code
 * cluster_name}, ...). Nothing is kept in memory, so a cluster can hold millions of events.
 */
final class AuditEvents {
  /** The {@code ei} Teleport gives {@code session.upload}: the last event of a session. */
  static final long SESSION_UPLOAD_INDEX = Integer.MAX_VALUE;

  static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final long SALT_KIND = 1;
  private static final long SALT_UID = 2;
  private static final long SALT_FIELDS = 3;

  private static final EventKind[] OTHER_KINDS = {
    EventKind.USER_LOGIN,
    EventKind.SESSION_START,
    EventKind.SESSION_END,
    EventKind.EXEC,
    EventKind.CERT_CREATE,
    EventKind.ROLE_CREATED,
    EventKind.ACCESS_REQUEST_CREATE
  };
  private static final double[] OTHER_WEIGHTS = {0.30, 0.15, 0.15, 0.20, 0.12, 0.03, 0.05};

  static final List<String> LOGINS = List.of("root", "ubuntu", "ec2-user", "admin");
  static final List<String> ROLES = List.of("access", "editor", "auditor");
  private static final List<String> COMMANDS =
      List.of("ls -la", "systemctl status nginx", "cat /etc/os-release", "df -h", "uptime");
  private static final List<String> REQUESTED_ROLES = List.of("editor", "db-admin", "prod-access");

  private final long seed;
  private final String clusterName;
  private final double sessionShare;
  private final double failedLoginShare;
  private final List<String> users;
  private final EventTimeline timeline;
  private final SessionIds sessionIds;
  private final Faults faults;

  AuditEvents(
      long seed,
      String clusterName,
      double sessionShare,
      double failedLoginShare,
      List<String> users,
      EventTimeline timeline,
      SessionIds sessionIds,
      Faults faults) {
    this.seed = seed;
    this.clusterName = clusterName;
    this.sessionShare = sessionShare;
    this.failedLoginShare = failedLoginShare;
    this.users = List.copyOf(users);
    this.timeline = timeline;
    this.sessionIds = sessionIds;
    this.faults = faults;
  }

  EventTimeline timeline() {
    return timeline;
  }

  String clusterName() {
    return clusterName;
  }

  /** The kind of the event at {@code index}; cheap, so filters need not build the event. */
  EventKind kindOf(long index) {
    double u = SeededHash.unit(SeededHash.of(seed, index, SALT_KIND));
    if (u < sessionShare) {
      return EventKind.SESSION_UPLOAD;
    }
    u -= sessionShare;
    if (u < failedLoginShare) {
      return EventKind.USER_LOGIN_FAILURE;
    }
    double rest = 1 - sessionShare - failedLoginShare;
    double position = rest <= 0 ? 0 : (u - failedLoginShare) / rest;
    for (int i = 0; i < OTHER_KINDS.length; i++) {
      position -= OTHER_WEIGHTS[i];
      if (position < 0) {
        return OTHER_KINDS[i];
      }
    }
    return OTHER_KINDS[OTHER_KINDS.length - 1];
  }

  String typeOf(long index) {
    return kindOf(index).type();
  }

  String uid(long index) {
    return uuid(SeededHash.of(seed, index, SALT_UID, 0), SeededHash.of(seed, index, SALT_UID, 1));
  }

  /** The session id of the {@code session.upload} event at {@code index}. */
  String sessionIdOf(long index) {
    return sessionIds.forIndex(index);
  }

  /** The user a recording belongs to (the same one its session events name). */
  String userOf(long index) {
    return pick(users, new SplittableRandom(SeededHash.of(seed, index, SALT_FIELDS)));
  }

  EventUnstructured event(long index) {
    EventKind kind = kindOf(index);
    long millis = timeline.timeMillis(index);
    String uid = uid(index);
    SplittableRandom random = new SplittableRandom(SeededHash.of(seed, index, SALT_FIELDS));
    String user = pick(users, random);
    long ei = 0;
    StructBuilder json =
        new StructBuilder()
            .put("event", kind.type())
            .put("uid", uid)
            .put("code", kind.code())
            .put("time", formatMillis(millis))
            .put("cluster_name", clusterName);
    switch (kind) {
      case USER_LOGIN, USER_LOGIN_FAILURE -> {
        json.put("user", user)
            .put("method", random.nextInt(4) == 0 ? "saml" : "local")
            .put("success", kind == EventKind.USER_LOGIN)
            .put("addr.remote", remoteAddress(random))
            .put("user_agent", "tsh/16.4.12");
        if (kind == EventKind.USER_LOGIN_FAILURE) {
          json.put("error", "invalid username, password or second factor");
        } else {
          json.put("required_private_key_policy", "none");
        }
      }
      case SESSION_START -> {
        sessionFields(json, random, user, randomUuid(random));
        json.put("addr.remote", remoteAddress(random))
            .put("size", "80:25")
            .put("session_recording", "node")
            .put("private_key_policy", "none");
      }
      case SESSION_END -> {
        ei = 20 + random.nextInt(200);
        sessionFields(json, random, user, randomUuid(random));
        long started = millis - 1000L * (60 + random.nextInt(3600));
        json.put("participants", List.of(user))
            .put("interactive", true)
            .put("enhanced_recording", false)
            .put("session_recording", "node")
            .put("session_start", formatMillis(started))
            .put("session_stop", formatMillis(millis));
      }
      case SESSION_UPLOAD -> {
        ei = SESSION_UPLOAD_INDEX;
        String sid = sessionIds.forIndex(index);
        json.put("sid", sid).put("url", "s3://teleport-sessions/records/" + sid + ".tar");
      }
      case EXEC -> {
        ei = 1 + random.nextInt(50);
        sessionFields(json, random, user, randomUuid(random));
        json.put("command", pick(COMMANDS, random))
            .put("exitCode", "0")
            .put("addr.remote", remoteAddress(random));
      }
      case CERT_CREATE -> {
        StructBuilder identity =
            new StructBuilder()
                .put("user", user)
                .put("roles", List.of(pick(ROLES, random)))
                .put("logins", List.of(pick(LOGINS, random)))
                .put("expires", formatMillis(millis + 12 * 3_600_000L))
                .put("route_to_cluster", clusterName)
                .put("teleport_cluster", clusterName);
        json.put("cert_type", "user").put("identity", identity);
      }
      case ROLE_CREATED ->
          json.put("name", "role-" + Long.toHexString(random.nextLong() >>> 40))
              .put("user", "admin")
              .put("expires", "0001-01-01T00:00:00Z");
      case ACCESS_REQUEST_CREATE ->
          json.put("id", randomUuid(random))
              .put("user", user)
              .put("roles", List.of(pick(REQUESTED_ROLES, random)))
              .put("state", "PENDING")
              .put("reason", "on-call investigation")
              .put("expires", formatMillis(millis + 3_600_000L));
    }
    json.put("ei", ei);
    OptionalInt oversized = faults.oversizedBytes(index);
    if (oversized.isPresent()) {
      json.put("oversized_payload", "x".repeat(oversized.getAsInt()));
    }
    return WireEvent.of(kind.type(), uid, millis, ei, json);
  }

  private void sessionFields(StructBuilder json, SplittableRandom random, String user, String sid) {
    int node = 1 + random.nextInt(12);
    json.put("user", user)
        .put("login", pick(LOGINS, random))
        .put("sid", sid)
        .put("namespace", "default")
        .put("server_id", uuid(SeededHash.of(seed, node, 0xa1), SeededHash.of(seed, node, 0xa2)))
        .put("server_hostname", (node < 10 ? "node-0" : "node-") + node)
        .put("server_addr", "10.0.0." + (10 + node) + ":3022")
        .put("proto", "ssh");
  }

  static String remoteAddress(SplittableRandom random) {
    return "203.0.113." + (1 + random.nextInt(254)) + ":" + (30000 + random.nextInt(30000));
  }

  /**
   * {@link #RFC3339_MILLIS} by hand for years 0000-9999 (the formatter was a good part of the
   * simulator's cost per event, which {@code bench} pays on the same cores as the export).
   */
  static String formatMillis(long millis) {
    long days = Math.floorDiv(millis, 86_400_000L);
    int msOfDay = (int) Math.floorMod(millis, 86_400_000L);
    LocalDate date = LocalDate.ofEpochDay(days);
    int year = date.getYear();
    if (year < 0 || year > 9999) {
      return RFC3339_MILLIS.format(Instant.ofEpochMilli(millis));
    }
    char[] text = new char[24];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, msOfDay / 3_600_000, 2);
    text[13] = ':';
    digits(text, 14, msOfDay / 60_000 % 60, 2);
    text[16] = ':';
    digits(text, 17, msOfDay / 1000 % 60, 2);
    text[19] = '.';
    digits(text, 20, msOfDay % 1000, 3);
    text[23] = 'Z';
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }

  static <T> T pick(List<T> values, SplittableRandom random) {
    return values.get(random.nextInt(values.size()));
  }

  static String randomUuid(SplittableRandom random) {
    return uuid(random.nextLong(), random.nextLong());
  }

  /** A version-4, variant-1 UUID from two random longs. */
  static String uuid(long high, long low) {
    return new UUID((high & ~0xf000L) | 0x4000L, (low & 0x3fffffffffffffffL) | 0x8000000000000000L)
        .toString();
  }
}
