package eventhandler.teleport;

import eventhandler.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Teleport identity file as {@code tctl auth sign --format=file} and Machine ID write it: the
 * private key PEM, an SSH certificate line, the TLS certificate PEM, {@code @cert-authority} lines
 * and the TLS CA PEMs. Read the way Teleport reads it: line by line; the first PEM block is the
 * key, the second the TLS certificate, later ones are CAs; other lines are ignored.
 *
 * @param sshCertificate the SSH certificate line, or {@code null} when the file has none (this
 *     program only speaks TLS, so it is kept for completeness)
 */
public record IdentityFile(
    PrivateKey privateKey,
    X509Certificate tlsCertificate,
    List<X509Certificate> tlsCertificateAuthorities,
    String sshCertificate,
    List<String> sshCertificateAuthorities) {

  private static final String SSH_CERT_SUFFIX = "-cert-v01@openssh.com";
  private static final List<String> KEY_TYPES =
      List.of("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY");

  public IdentityFile {
    tlsCertificateAuthorities = List.copyOf(tlsCertificateAuthorities);
    sshCertificateAuthorities = List.copyOf(sshCertificateAuthorities);
  }

  /** Reads and parses {@code file}; errors name the file and never quote its content. */
  public static IdentityFile read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw invalid("the identity file " + file + " does not exist", e);
    } catch (IOException e) {
      throw invalid("cannot read the identity file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, "identity file " + file);
  }

  /** Parses identity file text; {@code source} names it in errors ("identity file /path"). */
  public static IdentityFile parse(String text, String source) {
    List<PemBlock> blocks = new ArrayList<>();
    String sshCertificate = null;
    List<String> sshAuthorities = new ArrayList<>();
    StringBuilder block = null;
    String blockType = null;
    int blockStartLine = 0;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (block != null) {
        block.append(line).append('\n');
        if (line.startsWith("-----END")) {
          blocks.add(new PemBlock(blockType, block.toString(), blockStartLine));
          block = null;
        }
      } else if (line.startsWith("-----BEGIN")) {
        block = new StringBuilder(line).append('\n');
        blockType = pemType(line);
        blockStartLine = i + 1;
      } else if (line.startsWith("@cert-authority")) {
        sshAuthorities.add(line);
      } else if (!line.isEmpty() && line.split("\\s+", 2)[0].endsWith(SSH_CERT_SUFFIX)) {
        sshCertificate = line;
      }
      // Any other line is ignored, as Teleport does.
    }
    if (block != null) {
      throw invalid(
          source
              + ": the PEM block starting on line "
              + blockStartLine
              + " has no -----END line (the file is truncated?)");
    }
    if (blocks.isEmpty()) {
      throw invalid(
          source
              + ": no PEM blocks found; an identity file starts with the private key. Write one"
              + " with 'tctl auth sign --user=teleport-event-handler --out=identity'");
    }
    PrivateKey key = privateKey(blocks.get(0), source);
    if (blocks.size() < 2) {
      throw invalid(
          source
              + ": no TLS certificate (the second PEM block) found. Was it written with"
              + " --format=file (the default)?");
    }
    X509Certificate certificate = certificate(blocks.get(1), source, "the TLS certificate");
    List<X509Certificate> authorities = new ArrayList<>();
    for (int i = 2; i < blocks.size(); i++) {
      authorities.add(certificate(blocks.get(i), source, "TLS CA certificate " + (i - 1)));
    }
    if (authorities.isEmpty()) {
      throw invalid(
          source
              + ": no TLS CA certificates (PEM blocks after the TLS certificate) found; without"
              + " them the Auth Service cannot be verified");
    }
    return new IdentityFile(key, certificate, authorities, sshCertificate, sshAuthorities);
  }

  private record PemBlock(String type, String text, int line) {}

  private static String pemType(String beginLine) {
    String type = beginLine.substring("-----BEGIN".length());
    int end = type.indexOf("-----");
    return (end >= 0 ? type.substring(0, end) : type).strip().toUpperCase(Locale.ROOT);
  }

  private static PrivateKey privateKey(PemBlock block, String source) {
    if (!KEY_TYPES.contains(block.type())) {
      throw invalid(
          source
              + ": the first PEM block (line "
              + block.line()
              + ") must be the private key (RSA PRIVATE KEY, PRIVATE KEY or EC PRIVATE KEY),"
              + " but it is "
              + block.type());
    }
    try {
      return Pem.readPrivateKey(
          block.text(), source + " (private key, line " + block.line() + ")", null);
    } catch (IOException e) {
      throw invalid(e.getMessage(), e);
    }
  }

  private static X509Certificate certificate(PemBlock block, String source, String what) {
    if (!block.type().equals("CERTIFICATE")) {
      throw invalid(
          source
              + ": "
              + what
              + " (PEM block on line "
              + block.line()
              + ") must be a CERTIFICATE, but it is "
              + block.type());
    }
    try {
      return Pem.readCertificates(
              block.text(), source + " (" + what + ", line " + block.line() + ")")
          .get(0);
    } catch (IOException e) {
      throw invalid(e.getMessage(), e);
    }
  }

  private static TeleportException invalid(String message) {
    return new TeleportException(TeleportException.Kind.CREDENTIALS, message);
  }

  private static TeleportException invalid(String message, Throwable cause) {
    return new TeleportException(TeleportException.Kind.CREDENTIALS, message, cause);
  }
}
