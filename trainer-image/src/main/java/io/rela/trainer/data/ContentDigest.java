package io.rela.trainer.data;

import io.rela.api.contract.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * Dataset identities from content, for the prior-cache key: the same data anywhere gives the
 * same identity, and data changed in place gives another.
 */
final class ContentDigest {

  private ContentDigest() {}

  /** SHA-256 (24 hex digits) of the given byte arrays in order. */
  static String of(byte[]... parts) {
    MessageDigest sha = Sha256.digest();
    for (byte[] p : parts) {
      sha.update(p);
    }
    return Sha256.hex(sha, Sha256.KEY_HEX);
  }

  /**
   * SHA-256 of every file's path relative to {@code root}, size and modification time: a file
   * rewritten or replaced changes it, without reading every image (hashing 1.28 M JPEGs would
   * read the whole dataset at every job start). A rewrite to the same size within one tick of
   * the file system's clock goes unnoticed; change the folder or the file name then.
   */
  static String ofFiles(Path root, List<Path> files) throws IOException {
    MessageDigest sha = Sha256.digest();
    for (Path f : files) {
      // the modification time at the file system's full resolution (nanoseconds on ext4/xfs)
      sha.update((root.relativize(f) + "\t" + Files.size(f) + "\t" + Files.getLastModifiedTime(f) + "\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    return Sha256.hex(sha, Sha256.KEY_HEX);
  }
}
