package eventhandler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import eventhandler.demo.LocalStack;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sim.fluentd.FluentdReceiver;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import eventhandler.testing.E2eRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the receiver got, judged against what the simulated cluster holds: audit events under {@code
 * test.log} by {@code uid}, each session's events under {@code session.<sid>.log} by index, each
 * record compared with the event's {@code unstructured} JSON (printed independently of the program,
 * with protobuf's own JSON printer), duplicates counted, and the order of each recording checked.
 */
final class DeliveryCheck {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  /** Numbers compare by value: {@code 5} and {@code 5.0} are the same JSON number. */
  private static final Comparator<JsonNode> SAME_JSON =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private final long expectedAudit;
  private final long receivedAudit;
  private final List<String> missingAudit;
  private final long auditDuplicates;
  private final List<String> duplicatedAudit;
  private final long expectedSession;
  private final long receivedSession;
  private final Map<String, List<Long>> missingSession;
  private final long sessionDuplicates;
  private final List<String> duplicatedSession;
  private final List<String> problems;

  private DeliveryCheck(
      long expectedAudit,
      long receivedAudit,
      List<String> missingAudit,
      long auditDuplicates,
      List<String> duplicatedAudit,
      long expectedSession,
      long receivedSession,
      Map<String, List<Long>> missingSession,
      long sessionDuplicates,
      List<String> duplicatedSession,
      List<String> problems) {
    this.expectedAudit = expectedAudit;
    this.receivedAudit = receivedAudit;
    this.missingAudit = missingAudit;
    this.auditDuplicates = auditDuplicates;
    this.duplicatedAudit = duplicatedAudit;
    this.expectedSession = expectedSession;
    this.receivedSession = receivedSession;
    this.missingSession = missingSession;
    this.sessionDuplicates = sessionDuplicates;
    this.duplicatedSession = duplicatedSession;
    this.problems = problems;
  }

  /** Judges with the default {@code --skip-session-types=print}. */
  /** What arrived at the run's receiver, judged against what its cluster holds. */
  static DeliveryCheck of(E2eRun run) {
    return of(run.cluster(), run.receiver());
  }

  static DeliveryCheck of(SimulatedCluster cluster, FluentdReceiver receiver) {
    return of(cluster, receiver, Set.of("print"));
  }

  static DeliveryCheck of(
      SimulatedCluster cluster, FluentdReceiver receiver, Set<String> skippedSessionTypes) {
    List<String> problems = new ArrayList<>();
    Set<String> knownTags = new HashSet<>();

    // Audit events, by uid.
    String auditTag = LocalStack.auditTag();
    knownTags.add(auditTag);
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    cluster.expectedAuditEvents().forEach(event -> expected.put(event.getId(), json(event)));
    Map<String, Integer> seen = new HashMap<>();
    List<JsonNode> audit = receiver.records(auditTag);
    for (JsonNode record : audit) {
      String uid = record.path("uid").asText("");
      JsonNode want = expected.get(uid);
      if (want == null) {
        problem(problems, "audit record with an unknown uid: " + abbreviate(record));
      } else if (!want.equals(SAME_JSON, record)) {
        problem(
            problems,
            "audit record " + uid + " differs: got " + abbreviate(record) + ", want " + want);
      }
      seen.merge(uid, 1, Integer::sum);
    }
    List<String> missingAudit = new ArrayList<>();
    for (String uid : expected.keySet()) {
      if (!seen.containsKey(uid)) {
        missingAudit.add(uid);
      }
    }
    List<String> duplicatedAudit = new ArrayList<>();
    int position = 0;
    for (String uid : expected.keySet()) {
      if (seen.getOrDefault(uid, 0) > 1 && duplicatedAudit.size() < 10) {
        duplicatedAudit.add("#" + position + " " + uid + " x" + seen.get(uid));
      }
      position++;
    }
    long auditDuplicates =
        seen.entrySet().stream()
            .filter(e -> expected.containsKey(e.getKey()))
            .mapToLong(e -> e.getValue() - 1)
            .sum();

    // Session recordings, by index, in order.
    long expectedSession = 0;
    long receivedSession = 0;
    long sessionDuplicates = 0;
    Map<String, List<Long>> missingSession = new LinkedHashMap<>();
    List<String> duplicatedSession = new ArrayList<>();
    for (String sid : cluster.sessionIds()) {
      String tag = LocalStack.sessionTag(sid);
      knownTags.add(tag);
      Map<Long, JsonNode> wanted = new LinkedHashMap<>();
      for (EventUnstructured event : cluster.expectedSessionEvents(sid)) {
        if (!skippedSessionTypes.contains(event.getType())) {
          wanted.put(event.getIndex(), json(event));
        }
      }
      expectedSession += wanted.size();
      long newest = -1;
      Set<Long> got = new HashSet<>();
      List<JsonNode> records = receiver.records(tag);
      receivedSession += records.size();
      for (JsonNode record : records) {
        long index = record.path("ei").asLong(-1);
        JsonNode want = wanted.get(index);
        if (want == null) {
          problem(problems, tag + ": unexpected record " + abbreviate(record));
          continue;
        }
        if (!want.equals(SAME_JSON, record)) {
          problem(problems, tag + ": record " + index + " differs: got " + abbreviate(record));
        }
        if (!got.add(index)) {
          sessionDuplicates++; // sent again from an earlier checkpoint: allowed
          if (duplicatedSession.size() < 10) {
            duplicatedSession.add(sid + "#" + index);
          }
          continue;
        }
        // Each event's first arrival comes after the first arrival of every earlier event.
        if (index < newest) {
          problem(problems, tag + ": event " + index + " arrived after event " + newest);
        }
        newest = Math.max(newest, index);
      }
      List<Long> missing = new ArrayList<>(new TreeSet<>(wanted.keySet()));
      missing.removeAll(got);
      if (!missing.isEmpty()) {
        missingSession.put(sid, missing);
      }
    }

    for (Map.Entry<String, Long> tag : receiver.recordsByTag().entrySet()) {
      if (!knownTags.contains(tag.getKey())) {
        problem(problems, tag.getValue() + " records arrived under unknown tag " + tag.getKey());
      }
    }
    return new DeliveryCheck(
        expected.size(),
        audit.size(),
        missingAudit,
        auditDuplicates,
        duplicatedAudit,
        expectedSession,
        receivedSession,
        missingSession,
        sessionDuplicates,
        duplicatedSession,
        problems);
  }

  /** The event's {@code unstructured} Struct as JSON, printed by protobuf (not the program). */
  static JsonNode json(EventUnstructured event) {
    return json(event.getUnstructured());
  }

  static JsonNode json(Struct struct) {
    try {
      return MAPPER.readTree(PRINTER.print(struct));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code actual} is the same JSON as {@code expected}, numbers compared by value. */
  static boolean sameJson(JsonNode expected, JsonNode actual) {
    return expected.equals(SAME_JSON, actual);
  }

  private static void problem(List<String> problems, String problem) {
    if (problems.size() < 20) {
      problems.add(problem);
    } else if (problems.size() == 20) {
      problems.add("(more problems left out)");
    }
  }

  private static String abbreviate(JsonNode record) {
    String text = record.toString();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  long expectedAudit() {
    return expectedAudit;
  }

  long receivedAudit() {
    return receivedAudit;
  }

  List<String> missingAudit() {
    return missingAudit;
  }

  long auditDuplicates() {
    return auditDuplicates;
  }

  long expectedSession() {
    return expectedSession;
  }

  long receivedSession() {
    return receivedSession;
  }

  Map<String, List<Long>> missingSession() {
    return missingSession;
  }

  long sessionDuplicates() {
    return sessionDuplicates;
  }

  long duplicates() {
    return auditDuplicates + sessionDuplicates;
  }

  /** Records that should not be there, differ from the event, or broke a recording's order. */
  List<String> problems() {
    return problems;
  }

  /** Every event arrived, exactly, recordings in order; duplicates allowed. */
  DeliveryCheck assertNothingMissing() {
    assertThat(problems).as("wrong, unknown or out-of-order records; %s", this).isEmpty();
    assertThat(missingAudit).as("audit events missing; %s", this).isEmpty();
    assertThat(missingSession).as("session events missing; %s", this).isEmpty();
    return this;
  }

  /**
   * Every event arrived, exactly, recordings in order, except the audit events {@code auditUids}
   * and the session events {@code sessionEvents} (session id to indexes), which must be missing.
   */
  DeliveryCheck assertMissingExactly(Set<String> auditUids, Map<String, List<Long>> sessionEvents) {
    assertThat(problems).as("wrong, unknown or out-of-order records; %s", this).isEmpty();
    assertThat(missingAudit)
        .as("audit events missing; %s", this)
        .containsExactlyInAnyOrderElementsOf(auditUids);
    assertThat(missingSession).as("session events missing; %s", this).isEqualTo(sessionEvents);
    return this;
  }

  /** {@link #assertNothingMissing()} and no event twice. */
  DeliveryCheck assertExactlyOnce() {
    assertNothingMissing();
    assertThat(duplicates()).as("duplicates; %s", this).isZero();
    return this;
  }

  /** Whether every event arrived (for awaiting). */
  boolean complete() {
    return missingAudit.isEmpty() && missingSession.isEmpty();
  }

  @Override
  public String toString() {
    return String.format(
        "audit: %d expected, %d received, %d missing%s, %d duplicates%s;"
            + " session events: %d expected, %d received, %d missing in %d sessions%s,"
            + " %d duplicates%s",
        expectedAudit,
        receivedAudit,
        missingAudit.size(),
        missingAudit.isEmpty() ? "" : " (first " + missingAudit.get(0) + ")",
        auditDuplicates,
        duplicatedAudit.isEmpty() ? "" : " (first " + duplicatedAudit + ")",
        expectedSession,
        receivedSession,
        missingSession.values().stream().mapToInt(List::size).sum(),
        missingSession.size(),
        missingSession.isEmpty()
            ? ""
            : " (first " + missingSession.entrySet().iterator().next() + ")",
        sessionDuplicates,
        duplicatedSession.isEmpty() ? "" : " (first " + duplicatedSession + ")");
  }
}
