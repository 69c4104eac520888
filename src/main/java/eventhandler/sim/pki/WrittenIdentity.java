package eventhandler.sim.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/** An identity file written by the simulated cluster, with its TLS client certificate. */
public record WrittenIdentity(Path file, X509Certificate certificate) {}
