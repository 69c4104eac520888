package eventhandler.bench;

import eventhandler.demo.LocalStack;
import eventhandler.event.EventJson;
import eventhandler.sim.SimulatedCluster;
import eventhandler.sink.ClientTls;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The raw capacity of the endpoint: a plain poster of the records the pipeline sends. */
final class RawCapacity {
  private static final int RAW_RECORD_POOL = 20_000;

  /** Raw posting before its measured window (the help of --raw-duration says 1 s). */
  private static final Duration RAW_WARM_UP = Duration.ofSeconds(1);

  private final BenchOptions options;

  RawCapacity(BenchOptions options) {
    this.options = options;
  }

  /** Posts for --raw-duration into the stack's receiver or the user's Fluentd; null if skipped. */
  RawPoster.Result run(LocalStack stack) throws InterruptedException {
    if (options.rawDuration().isZero()) {
      return null;
    }
    URI url =
        options
            .fluentd()
            .map(BenchOptions.ExternalFluentd::url)
            .orElse(URI.create(stack.auditUrl()));
    ClientTls tls =
        options
            .fluentd()
            .map(f -> ClientTls.load(f.ca(), f.cert(), f.key()))
            .orElseGet(
                () ->
                    ClientTls.load(
                        stack.layout().ca().cert(),
                        stack.layout().client().cert(),
                        stack.layout().client().key()));
    return new RawPoster(url, tls, options.rawPosterConnections())
        .run(rawBodies(stack.cluster()), RAW_WARM_UP, options.rawDuration());
  }

  /**
   * The same records the pipeline sends (the cluster's audit events as {@link EventJson} prints
   * them), in JSON arrays of the raw batch size; the first events only, reused round-robin.
   */
  private List<RawPoster.Body> rawBodies(SimulatedCluster cluster) {
    int pool = (int) Math.min(RAW_RECORD_POOL, cluster.auditEventCount());
    List<byte[]> records =
        cluster
            .expectedAuditEvents()
            .limit(pool)
            .map(event -> EventJson.toJson(event.getUnstructured()))
            .toList();
    int batch = Math.max(1, options.rawBatch());
    int bodies = Math.max(1, (records.size() + batch - 1) / batch);
    List<RawPoster.Body> result = new ArrayList<>(bodies);
    int next = 0;
    for (int b = 0; b < bodies; b++) {
      ByteArrayOutputStream body = new ByteArrayOutputStream(batch * 512);
      if (batch > 1) {
        body.write('[');
      }
      for (int i = 0; i < batch; i++) {
        if (i > 0) {
          body.write(',');
        }
        body.writeBytes(records.get(next));
        next = (next + 1) % records.size();
      }
      if (batch > 1) {
        body.write(']');
      }
      result.add(new RawPoster.Body(body.toByteArray(), batch));
    }
    return result;
  }
}
