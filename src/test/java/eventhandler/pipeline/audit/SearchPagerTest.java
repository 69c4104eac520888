package eventhandler.pipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import eventhandler.pipeline.UnsupportedTeleportClient;
import eventhandler.teleport.EventPage;
import eventhandler.teleport.proto.auditlog.EventUnstructured;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SearchPagerTest {
  private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  /** Serves search pages over an in-memory list, with an index as the cursor. */
  static final class ListSearch extends UnsupportedTeleportClient {
    final List<EventUnstructured> events = new CopyOnWriteArrayList<>();
    int calls;

    void add(String id, Instant time) {
      events.add(
          EventUnstructured.newBuilder()
              .setId(id)
              .setType("user.login")
              .setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()))
              .build());
    }

    @Override
    public EventPage searchEvents(
        Instant from, Instant to, List<String> types, int limit, String startKey) {
      calls++;
      List<EventUnstructured> inRange = new ArrayList<>();
      for (EventUnstructured event : events) {
        Instant time = Instant.ofEpochSecond(event.getTime().getSeconds());
        if (!time.isBefore(from) && time.isBefore(to)) {
          inRange.add(event);
        }
      }
      int offset = startKey.isEmpty() ? 0 : Integer.parseInt(startKey);
      int end = Math.min(inRange.size(), offset + limit);
      String next = end < inRange.size() ? Integer.toString(end) : "";
      return Pages.decoded(List.copyOf(inRange.subList(offset, end)), next);
    }
  }

  private static List<String> drain(SearchPager pager) {
    List<String> ids = new ArrayList<>();
    while (true) {
      SearchPager.Page page = pager.next();
      if (page.events().isEmpty()) {
        return ids;
      }
      page.events().forEach(e -> ids.add(e.id()));
    }
  }

  @Test
  void readsEveryEventOnceAcrossWindowsAndPages() {
    ListSearch client = new ListSearch();
    Instant start = NOW.minus(Duration.ofDays(3));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      client.add("e" + i, start.plus(Duration.ofHours(i + 1)));
      expected.add("e" + i);
    }
    SearchPager pager = pager(client, 7, new SearchPosition(start, "", ""));
    assertThat(drain(pager)).containsExactlyElementsOf(expected);
    assertThat(pager.next().events()).isEmpty();
  }

  @Test
  void resumesAfterTheLastExportedIdInTheRefetchedPage() {
    ListSearch client = new ListSearch();
    Instant start = NOW.minus(Duration.ofHours(10));
    for (int i = 0; i < 9; i++) {
      client.add("e" + i, start.plus(Duration.ofMinutes(i + 1)));
    }
    // Exported up to e4, which came from the page requested with cursor "3" (e3..e5).
    SearchPager pager = pager(client, 3, new SearchPosition(start, "3", "e4"));
    assertThat(drain(pager)).containsExactly("e5", "e6", "e7", "e8");
  }

  @Test
  void picksUpEventsThatArriveAfterItCaughtUp() {
    ListSearch client = new ListSearch();
    Instant start = NOW.minus(Duration.ofHours(1));
    client.add("a", start.plusSeconds(10));
    SearchPager pager = pager(client, 5, new SearchPosition(start, "", ""));
    assertThat(drain(pager)).containsExactly("a");
    client.add("b", start.plusSeconds(20));
    client.add("c", start.plusSeconds(30));
    assertThat(drain(pager)).containsExactly("b", "c");
  }

  @Test
  void positionsCarryTheRequestCursorOfTheirPage() {
    ListSearch client = new ListSearch();
    Instant start = NOW.minus(Duration.ofHours(1));
    for (int i = 0; i < 4; i++) {
      client.add("e" + i, start.plusSeconds(i + 1));
    }
    SearchPager pager = pager(client, 2, new SearchPosition(start, "", ""));
    SearchPager.Page first = pager.next();
    SearchPager.Page second = pager.next();
    assertThat(first.positionOf(first.events().get(1)))
        .isEqualTo(new SearchPosition(start, "", "e1"));
    assertThat(second.positionOf(second.events().get(0)))
        .isEqualTo(new SearchPosition(start, "2", "e2"));
  }

  /** A pager over one-day windows, resuming from {@code from} with nothing found damaged. */
  private SearchPager pager(ListSearch client, int pageSize, SearchPosition from) {
    return new SearchPager(
        client, clock, Duration.ofHours(24), pageSize, List.of(), from, false, Path.of("state"));
  }
}
