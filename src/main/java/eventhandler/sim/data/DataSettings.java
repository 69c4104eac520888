package eventhandler.sim.data;

import java.util.List;

/**
 * What the simulated cluster's history is made of; every generated event, recording and chunk name
 * follows from these values alone.
 *
 * @param seed everything generated follows from it
 * @param fromMillis the generated events are spread over {@code [fromMillis, toMillis)}
 * @param events how many audit events exist from the start
 * @param sessionShare share of events that are {@code session.upload} (each has a recording)
 * @param failedLoginShare share of events that are failed {@code user.login}
 * @param minRecording fewest events in one recording
 * @param chunkSize events per bulk export chunk at most
 */
public record DataSettings(
    long seed,
    String clusterName,
    long fromMillis,
    long toMillis,
    long events,
    double sessionShare,
    double failedLoginShare,
    List<String> users,
    int minRecording,
    int maxRecording,
    int chunkSize) {
  public DataSettings {
    users = List.copyOf(users);
  }
}
