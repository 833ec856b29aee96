package io.rela.api.contract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in hex, the one way identities are spelled on both sides of the contract: full
 * digests (64 hex digits) for files a user pins, and short prefixes for keys and names
 * (24 digits for cache keys and dataset identities, 16 for object-name hashes).
 */
public final class Sha256 {

  /** Hex digits in an identity or cache key (96 bits: no accidental collision among a cluster's objects). */
  public static final int KEY_HEX = 24;

  private Sha256() {}

  /** A digest being fed piece by piece. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** The first {@code hexDigits} (even) hex digits of a finished digest. */
  public static String hex(MessageDigest sha, int hexDigits) {
    return HexFormat.of().formatHex(sha.digest(), 0, hexDigits / 2);
  }

  /** The full digest of {@code bytes}, 64 hex digits. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** The first {@code hexDigits} (even) hex digits of the digest of {@code bytes}. */
  public static String hex(byte[] bytes, int hexDigits) {
    return HexFormat.of().formatHex(digest().digest(bytes), 0, hexDigits / 2);
  }

  /** The first {@code hexDigits} (even) hex digits of the digest of {@code text} in UTF-8. */
  public static String hex(String text, int hexDigits) {
    return hex(text.getBytes(StandardCharsets.UTF_8), hexDigits);
  }

  /** The full digest of a file's bytes, read in 64 KiB blocks. */
  public static String ofFile(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = digest();
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
