package eventhandler.cli;

import eventhandler.teleport.proto.auditlog.AuditLogServiceGrpc;
import eventhandler.teleport.proto.auditlog.ExportEventUnstructuredEncoded;
import eventhandler.teleport.proto.auth.AuthServiceGrpc;
import eventhandler.tls.NativeTls;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, on a spare thread, what {@code start} needs once its settings are read: the TLS stack (up
 * to a ClientHello), Netty, gRPC and the protobuf descriptors. A new JVM spends most of its first
 * second loading and initialising classes on one thread; doing this part while the main thread
 * reads the configuration and the identity shortens the time to the first delivered event.
 *
 * <p>Nothing here connects anywhere or is kept: the TLS context trusts nobody and is dropped. A
 * failure changes nothing, since the real code loads whatever it needs anyway.
 */
final class StartPrimer {
  private static final Logger LOG = LoggerFactory.getLogger(StartPrimer.class);

  private StartPrimer() {}

  static void startInBackground() {
    Thread thread = new Thread(StartPrimer::prime, "start-primer");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  private static void prime() {
    try {
      initialise(NioEventLoopGroup.class, NettyChannelBuilder.class);
      AuditLogServiceGrpc.getServiceDescriptor();
      AuthServiceGrpc.getServiceDescriptor();
      ExportEventUnstructuredEncoded.getDescriptor();
      writeClientHello();
    } catch (Exception | LinkageError e) {
      LOG.debug("start-up priming skipped: {}", e.toString());
    }
  }

  private static void initialise(Class<?>... classes) throws ClassNotFoundException {
    for (Class<?> type : classes) {
      Class.forName(type.getName(), true, type.getClassLoader());
    }
  }

  /** Builds a client TLS engine as the connections do and lets it write its first message. */
  private static void writeClientHello() throws Exception {
    KeyStore nobody = KeyStore.getInstance(KeyStore.getDefaultType());
    nobody.load(null, null);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(nobody);
    SslContext context =
        SslContextBuilder.forClient()
            .sslProvider(NativeTls.provider())
            .trustManager(trust)
            .protocols("TLSv1.3", "TLSv1.2")
            .build();
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
    engine.beginHandshake();
    engine.wrap(
        ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
  }
}
