package eventhandler.sim.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

/** Pipeline edits for the front, where one connection can nest TLS and HTTP several times. */
final class Pipelines {
  private Pipelines() {}

  /**
   * Adds {@code handler} after the handler named {@code base} under a generated name (fixed names
   * would clash when an upgraded stream carries another web API) and returns that name.
   */
  static String addAfter(ChannelPipeline pipeline, String base, ChannelHandler handler) {
    pipeline.addAfter(base, null, handler);
    return pipeline.context(handler).name();
  }
}
