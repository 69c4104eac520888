package eventhandler.sim.auth;

import java.math.BigInteger;
import java.net.SocketAddress;
import java.time.Instant;

/** The client certificate one connection to the Auth Service presented, in connection order. */
public record SeenCertificate(
    BigInteger serialNumber,
    String subject,
    Instant notAfter,
    ClientRoute mode,
    SocketAddress remoteAddress) {}
