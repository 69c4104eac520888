package eventhandler.sim.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The files for {@code --teleport-cert}, {@code --teleport-key} and {@code --teleport-ca}, as
 * {@code tctl auth sign --format=tls} writes them, with the client certificate.
 */
public record KeyPairFiles(
    Path certificateFile, Path keyFile, Path caFile, X509Certificate certificate) {}
