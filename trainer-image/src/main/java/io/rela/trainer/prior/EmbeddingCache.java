package io.rela.trainer.prior;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.contract.PriorCacheKey;
import io.rela.api.contract.Sha256;
import io.rela.trainer.AtomicFiles;
import io.rela.trainer.BadInputException;
import io.rela.trainer.rela.RowBlocks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Prior embeddings on disk under a content key ({@link PriorCacheKey}), so each combination of
 * dataset, prior and input size is computed once and reused by every later job. A pass may be
 * split into shards, one file each.
 *
 * <p>Shards are published so that readers never see a partial or foreign file, even with
 * several writers on a shared volume: each writer streams into a temporary file of its own
 * (process id and a random suffix), records the payload's CRC-32C in the header, syncs, and
 * renames into place only when no valid shard is there yet (publish once; embeddings of one key
 * are deterministic, so whichever complete file lands is the right one). A reader checks the
 * header and length before use and the checksum while streaming; a shard that fails either is
 * treated as missing and embedded again.
 *
 * <p>A shard is bound to its place: its header carries a SHA-256 of (key, shard index, shard
 * count, rows), and the checksum covers that binding and the payload. A shard copied under
 * another key, into another slot, or holding the wrong number of rows for the dataset (whose
 * identity is part of the key) is not this key's shard: it is treated as missing and replaced,
 * never used and never left to fail later jobs. The cache folder is still a trust boundary: a
 * job that may write it can write valid shards of any key (see the README).
 *
 * <p>Shard layout: magic {@code RELAEMB3}, rows (int64), d (int32), CRC-32C of binding +
 * payload (int64), the binding (32 bytes), then rows x d little-endian float32.
 */
public final class EmbeddingCache {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] MAGIC = "RELAEMB3".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER = 8 + 8 + 4 + 8 + 32;
  /** Rows per block when streaming a shard back. */
  private static final int BLOCK_ROWS = 4096;

  private final Path root;

  public EmbeddingCache(Path root) {
    this.root = root;
  }

  /** The cache key of a dataset, prior and input size: {@link PriorCacheKey#of}. */
  public static String key(String datasetIdentity, String priorIdentity, int inputSize) {
    return PriorCacheKey.of(datasetIdentity, priorIdentity, inputSize);
  }

  /** SHA-256 of a file's bytes (prior weights), for identities: the first 24 hex digits of {@link #sha256}. */
  public static String digest(Path file) {
    return sha256(file).substring(0, Sha256.KEY_HEX);
  }

  /** SHA-256 of a file's bytes, 64 hex digits. */
  public static String sha256(Path file) {
    try {
      return Sha256.ofFile(file);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  public Path dir(String key) {
    return root.resolve(key);
  }

  public static Path shardFile(Path dir, int shard, int shards) {
    return dir.resolve(String.format("shard-%04d-of-%04d.f32", shard, shards));
  }

  /** Rows [from, to) of shard {@code shard} of {@code shards} for N samples. */
  public static long[] shardRange(long n, int shard, int shards) {
    return new long[] {n * shard / shards, n * (shard + 1) / shards};
  }

  /** What ties a shard to its key, slot and row count. */
  static byte[] binding(String key, int shard, int shards, long rows) {
    return Sha256.digest().digest((key + "\n" + shard + "/" + shards + "\n" + rows).getBytes(StandardCharsets.UTF_8));
  }

  /** The binding shard {@code shard} of {@code shards} must carry for a dataset of {@code n} samples. */
  static byte[] expected(String key, int shard, int shards, long n) {
    long[] r = shardRange(n, shard, shards);
    return binding(key, shard, shards, r[1] - r[0]);
  }

  /**
   * Whether the shard of a dataset of {@code n} samples is there, bound to this key and slot,
   * with the rows and length it must have (the checksum is verified on read).
   */
  public boolean hasShard(String key, int shard, int shards, long n) {
    return header(shardFile(dir(key), shard, shards), expected(key, shard, shards, n)) != null;
  }

  public boolean isComplete(String key, int shards, long n) {
    for (int i = 0; i < shards; i++) {
      if (!hasShard(key, i, shards, n)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Header of a shard file: {rows, d, crc}, or null when absent, foreign (another key, slot or
   * row count than {@code binding}), torn or of another length. Links are not followed.
   */
  static long[] header(Path f, byte[] binding) {
    if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (h.hasRemaining() && ch.read(h) >= 0) {
        // read the whole header
      }
      if (h.hasRemaining()) {
        return null;
      }
      h.flip();
      byte[] magic = new byte[MAGIC.length];
      h.get(magic);
      long rows = h.getLong();
      int d = h.getInt();
      long crc = h.getLong();
      byte[] bound = new byte[32];
      h.get(bound);
      if (!java.util.Arrays.equals(magic, MAGIC) || !java.util.Arrays.equals(bound, binding) || rows < 0 || d <= 0
          || d > 1 << 20 || ch.size() != HEADER + rows * d * 4L) {
        return null;
      }
      return new long[] {rows, d, crc};
    } catch (IOException e) {
      return null;
    }
  }

  /** Starts writing one shard of {@code rows} rows of dimension {@code d}. */
  public ShardWriter openShard(String key, int shard, int shards, long rows, int d) throws IOException {
    Path dir = dir(key);
    Files.createDirectories(dir);
    return new ShardWriter(dir, shardFile(dir, shard, shards), rows, d, binding(key, shard, shards, rows));
  }

  /** A shard being written to its own temporary file; {@link #close} without publishing deletes it. */
  public static final class ShardWriter implements AutoCloseable {
    private final Path dir;
    private final Path target;
    private final Path tmp;
    private final FileChannel ch;
    private final long rows;
    private final int d;
    private final CRC32C crc = new CRC32C();
    private final byte[] binding;
    private long written;
    private boolean done;

    ShardWriter(Path dir, Path target, long rows, int d, byte[] binding) throws IOException {
      this.dir = dir;
      this.target = target;
      this.rows = rows;
      this.d = d;
      this.binding = binding;
      crc.update(binding);
      this.tmp = AtomicFiles.temporary(target);
      this.ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      ch.position(HEADER);
    }

    /** Appends {@code count} rows from {@code data} (row-major). */
    public void append(float[] data, int count) throws IOException {
      if (written + count > rows) {
        throw new IllegalStateException(target + ": more rows than announced (" + rows + ")");
      }
      ByteBuffer b = ByteBuffer.allocate(count * d * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(data, 0, count * d);
      crc.update(b.array(), 0, b.capacity());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      written += count;
    }

    /**
     * Completes the file and renames it into place unless a valid shard is already there.
     * Returns whether this writer's file was the one published.
     */
    public boolean publish(Map<String, Object> info) throws IOException {
      if (written != rows) {
        throw new IllegalStateException(target + ": " + written + " of " + rows + " rows written");
      }
      ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      h.put(MAGIC).putLong(rows).putInt(d).putLong(crc.getValue()).put(binding).flip();
      ch.write(h, 0);
      ch.force(true);
      ch.close();
      done = true;
      boolean mine = publishOnce(tmp, target, binding);
      publishOnce(JSON.writeValueAsBytes(info), dir.resolve("meta.json"));
      syncDir(dir);
      return mine;
    }

    @Override
    public void close() throws IOException {
      if (ch.isOpen()) {
        ch.close();
      }
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Renames {@code tmp} into place unless a shard bound like it is there (a foreign or wrong one is replaced). */
  private static boolean publishOnce(Path tmp, Path target, byte[] binding) throws IOException {
    if (header(target, binding) != null) {
      Files.deleteIfExists(tmp);
      return false;
    }
    AtomicFiles.move(tmp, target);
    return true;
  }

  private static void publishOnce(byte[] bytes, Path target) throws IOException {
    if (Files.exists(target)) {
      return;
    }
    AtomicFiles.write(target, bytes);
  }

  private static void syncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename itself is still atomic
    }
  }

  /** Removes a shard that failed verification, so it is embedded again. */
  public void discard(Path shard) throws IOException {
    Files.deleteIfExists(shard);
  }

  /** A shard whose payload does not match its checksum. */
  public static final class CorruptShardException extends IOException {
    public final Path file;

    CorruptShardException(Path file, String why) {
      super(file + ": " + why);
      this.file = file;
    }
  }

  /**
   * Every shard of a complete entry as one N x d matrix, streamed in blocks and verified
   * against each shard's checksum as it is read (a mismatch throws {@link CorruptShardException}
   * after the shard's last block, before the caller's result is used).
   */
  public RowBlocks rows(String key, int shards, long samples) throws IOException {
    Path dir = dir(key);
    long n = 0;
    int d = -1;
    long[][] headers = new long[shards][];
    byte[][] bindings = new byte[shards][];
    for (int i = 0; i < shards; i++) {
      Path f = shardFile(dir, i, shards);
      bindings[i] = expected(key, i, shards, samples);
      long[] h = header(f, bindings[i]);
      if (h == null) {
        throw new CorruptShardException(f, "missing, torn, or not this key's shard " + i + "/" + shards + " of "
            + samples + " samples");
      }
      if (d >= 0 && h[1] != d) {
        throw new CorruptShardException(f, "dimension " + h[1] + " differs from the other shards' " + d);
      }
      d = (int) h[1];
      n += h[0];
      headers[i] = h;
    }
    long total = n;
    int dim = d;
    return new RowBlocks() {
      @Override public long n() { return total; }
      @Override public int d() { return dim; }
      @Override public void forEach(Visitor v) throws IOException {
        long first = 0;
        for (int i = 0; i < shards; i++) {
          Path f = shardFile(dir, i, shards);
          CRC32C crc = new CRC32C();
          crc.update(bindings[i]);
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ch.position(HEADER);
            long left = headers[i][0];
            ByteBuffer b = ByteBuffer.allocate(BLOCK_ROWS * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            float[] block = new float[BLOCK_ROWS * dim];
            while (left > 0) {
              int count = (int) Math.min(BLOCK_ROWS, left);
              b.clear().limit(count * dim * 4);
              while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                  throw new CorruptShardException(f, "ends early");
                }
              }
              crc.update(b.array(), 0, count * dim * 4);
              b.flip();
              b.asFloatBuffer().get(block, 0, count * dim);
              v.accept(first, block, count);
              first += count;
              left -= count;
            }
          }
          if (crc.getValue() != headers[i][2]) {
            throw new CorruptShardException(f, "checksum mismatch (the file changed after it was written)");
          }
        }
      }
    };
  }
}
