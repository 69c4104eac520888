package eventhandler.teleport.dial;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.local.LocalChannel;

/**
 * gRPC's side of a {@link FrontBridge}: an in-memory channel that accepts the socket options gRPC
 * always sets ({@code SO_KEEPALIVE}) instead of having Netty warn "Unknown channel option" at every
 * connection. Keepalive itself is gRPC's HTTP/2 ping, which crosses the bridge.
 */
public final class BridgeChannel extends LocalChannel {
  private final ChannelConfig config;

  public BridgeChannel() {
    // LocalChannel's constructor configured its own config (allocators) through config();
    // carry those settings over to the one that takes socket options.
    ChannelConfig original = super.config();
    config =
        new DefaultChannelConfig(this) {
          @Override
          public <T> boolean setOption(ChannelOption<T> option, T value) {
            return option == ChannelOption.SO_KEEPALIVE || super.setOption(option, value);
          }
        };
    config.setAllocator(original.getAllocator());
    config.setRecvByteBufAllocator(original.getRecvByteBufAllocator());
  }

  @Override
  public ChannelConfig config() {
    return config == null ? super.config() : config; // null while LocalChannel is constructed
  }
}
