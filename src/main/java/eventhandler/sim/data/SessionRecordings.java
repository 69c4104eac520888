package eventhandler.sim.data;

import static eventhandler.sim.data.AuditEvents.formatMillis;

import eventhandler.teleport.proto.auditlog.EventUnstructured;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Session recordings, one per {@code session.upload} event: {@code session.start}, terminal output
 * ({@code print} with base64 {@code data}), an occasional {@code resize}, and {@code session.end},
 * with {@code ei} 0..n-1. Built on demand from the session id like the audit log.
 */
final class SessionRecordings {
  private static final long SALT_RECORDING = 11;
  private static final long SALT_EVENT = 12;
  private static final long STEP_MILLIS = 1000;
  private static final List<String> OUTPUT =
      List.of(
          "$ ls -la\r\n",
          "total 48\r\ndrwxr-xr-x 5 root root 4096 Jan  1 00:00 .\r\n",
          "$ uptime\r\n 10:42:01 up 12 days,  3:14,  1 user,  load average: 0.08, 0.03, 0.01\r\n",
          "$ tail -n 2 /var/log/syslog\r\nsystemd[1]: Started Daily apt download activities.\r\n",
          "$ df -h /\r\nFilesystem      Size  Used Avail Use% Mounted on\r\n/dev/root 30G 9G 21G 30% /\r\n",
          "\u001b[32mok\u001b[0m\r\n");

  private static final String[] OUTPUT_BASE64 =
      OUTPUT.stream()
          .map(text -> Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
          .toArray(String[]::new);
  private static final int[] OUTPUT_LENGTHS =
      OUTPUT.stream().mapToInt(text -> text.getBytes(StandardCharsets.UTF_8).length).toArray();

  /** One recording: the session id, the audit event that announced it, and its length. */
  record Recording(String sessionId, long uploadIndex, int length) {}

  private final long seed;
  private final int minLength;
  private final int maxLength;
  private final AuditEvents audit;
  private final SessionIds sessionIds;
  private final Faults faults;

  SessionRecordings(
      long seed,
      int minLength,
      int maxLength,
      AuditEvents audit,
      SessionIds sessionIds,
      Faults faults) {
    if (minLength < 2 || maxLength < minLength) {
      throw new IllegalArgumentException(
          "recording length must be a range of at least 2 events: " + minLength + ".." + maxLength);
    }
    this.seed = seed;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.audit = audit;
    this.sessionIds = sessionIds;
    this.faults = faults;
  }

  /** The recording of {@code sessionId}, or empty when it does not exist or is "missing". */
  Optional<Recording> find(String sessionId) {
    return faults.recordingMissing(sessionId) ? Optional.empty() : lookup(sessionId);
  }

  /** The recording of {@code sessionId} whether or not a fault hides it. */
  Optional<Recording> lookup(String sessionId) {
    OptionalLong index = sessionIds.indexOf(sessionId);
    if (index.isEmpty()
        || index.getAsLong() >= audit.timeline().count()
        || audit.kindOf(index.getAsLong()) != EventKind.SESSION_UPLOAD) {
      return Optional.empty();
    }
    return Optional.of(recordingOf(index.getAsLong()));
  }

  Recording recordingOf(long uploadIndex) {
    int span = maxLength - minLength + 1;
    int length =
        minLength + (int) Math.floorMod(SeededHash.of(seed, uploadIndex, SALT_RECORDING), span);
    return new Recording(sessionIds.forIndex(uploadIndex), uploadIndex, length);
  }

  /** The events of {@code recording} with {@code ei >= fromIndex}, in order. */
  Iterator<EventUnstructured> events(Recording recording, int fromIndex) {
    return new RecordingIterator(recording, Math.max(0, fromIndex));
  }

  private final class RecordingIterator implements Iterator<EventUnstructured> {
    private final Recording recording;
    private final String user;
    private final String login;
    private final String serverId;
    private final long startMillis;
    private int next;
    private long offset;

    RecordingIterator(Recording recording, int fromIndex) {
      this.recording = recording;
      SplittableRandom random =
          new SplittableRandom(SeededHash.of(seed, recording.uploadIndex(), 13));
      this.user = audit.userOf(recording.uploadIndex());
      this.login = AuditEvents.pick(AuditEvents.LOGINS, random);
      this.serverId = AuditEvents.randomUuid(random);
      long uploadMillis = audit.timeline().timeMillis(recording.uploadIndex());
      this.startMillis = uploadMillis - STEP_MILLIS * (recording.length() + 2L);
      this.next = fromIndex;
      // The byte offset of terminal output is cumulative, so add up the output skipped over.
      for (int k = 1; k < Math.min(fromIndex, recording.length() - 1); k++) {
        if (!isResize(k)) {
          offset += OUTPUT_LENGTHS[output(k)];
        }
      }
    }

    @Override
    public boolean hasNext() {
      return next < recording.length();
    }

    @Override
    public EventUnstructured next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int k = next++;
      long millis = startMillis + STEP_MILLIS * k;
      StructBuilder json = new StructBuilder();
      String type;
      String id;
      if (k == 0 || k == recording.length() - 1) {
        type = k == 0 ? "session.start" : "session.end";
        id = uid(k);
        common(json, type, k == 0 ? "T2000I" : "T2004I", id, k, millis);
        if (k == 0) {
          json.put("size", "80:25").put("addr.remote", "203.0.113.7:52344");
        } else {
          json.put("participants", List.of(user))
              .put("interactive", true)
              .put("session_start", formatMillis(startMillis))
              .put("session_stop", formatMillis(millis));
        }
      } else if (isResize(k)) {
        type = "resize";
        id = uid(k);
        common(json, type, "T2002I", id, k, millis).put("size", "120:40");
      } else {
        // Print events carry no uid; Teleport then uses a SHA-256 of the event as its id.
        type = "print";
        id = sha256Hex(recording.sessionId() + "/" + k);
        int output = output(k);
        int length = OUTPUT_LENGTHS[output];
        json.put("event", type)
            .put("ei", k)
            .put("time", formatMillis(millis))
            .put("cluster_name", audit.clusterName())
            .put("data", OUTPUT_BASE64[output])
            .put("bytes", length)
            .put("ms", STEP_MILLIS * k)
            .put("offset", offset);
        offset += length;
      }
      return WireEvent.of(type, id, millis, k, json);
    }

    private StructBuilder common(
        StructBuilder json, String type, String code, String id, int k, long millis) {
      return json.put("event", type)
          .put("code", code)
          .put("uid", id)
          .put("ei", k)
          .put("time", formatMillis(millis))
          .put("cluster_name", audit.clusterName())
          .put("sid", recording.sessionId())
          .put("user", user)
          .put("login", login)
          .put("namespace", "default")
          .put("server_id", serverId);
    }

    private String uid(int k) {
      return AuditEvents.uuid(
          SeededHash.of(seed, recording.uploadIndex(), SALT_EVENT, 2L * k),
          SeededHash.of(seed, recording.uploadIndex(), SALT_EVENT, 2L * k + 1));
    }

    private boolean isResize(int k) {
      return SeededHash.of(seed, recording.uploadIndex(), SALT_EVENT ^ 0x7e, k) % 25 == 0;
    }

    /** Which of {@link #OUTPUT} print event {@code k} carries. */
    private int output(int k) {
      long hash = SeededHash.of(seed, recording.uploadIndex(), SALT_EVENT ^ 0x3c, k);
      return (int) Math.floorMod(hash, OUTPUT.size());
    }
  }

  /** One digest per thread: looking the algorithm up for every print event was costly. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is not available", e);
            }
          });

  private static String sha256Hex(String text) {
    MessageDigest digest = SHA_256.get();
    digest.reset();
    return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
