package io.rela.trainer.prior;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.trainer.BadInputException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Prior embeddings on disk under a key of (dataset identity, prior identity, input size), so
 * each combination is computed once and reused by every later job. A pass may be split into
 * shards (one file each, written atomically); the entry is complete when every shard is.
 */
public final class EmbeddingCache {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path root;

  public EmbeddingCache(Path root) {
    this.root = root;
  }

  public static String key(String datasetIdentity, String priorIdentity, int inputSize) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] h = sha.digest((datasetIdentity + "\n" + priorIdentity + "\n" + inputSize).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of a file's bytes (prior weights), for identities. */
  public static String digest(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 12);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path dir(String key) {
    return root.resolve(key);
  }

  static Path shardFile(Path dir, int shard, int shards) {
    return dir.resolve(String.format("shard-%04d-of-%04d.f32", shard, shards));
  }

  /** Rows [from, to) of shard {@code shard} of {@code shards} for N samples. */
  public static int[] shardRange(int n, int shard, int shards) {
    long from = (long) n * shard / shards;
    long to = (long) n * (shard + 1) / shards;
    return new int[] {(int) from, (int) to};
  }

  public boolean hasShard(String key, int shard, int shards) {
    return Files.isRegularFile(shardFile(dir(key), shard, shards));
  }

  public boolean isComplete(String key, int shards) {
    for (int i = 0; i < shards; i++) {
      if (!hasShard(key, i, shards)) {
        return false;
      }
    }
    return true;
  }

  /** Writes one shard: header (rows, d), then rows x d little-endian floats; atomically. */
  public void writeShard(String key, int shard, int shards, float[] rows, int count, int d, Map<String, Object> info)
      throws IOException {
    Path dir = dir(key);
    Files.createDirectories(dir);
    Path target = shardFile(dir, shard, shards);
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(os)) {
      out.writeInt(count);
      out.writeInt(d);
      ByteBuffer buf = ByteBuffer.allocate(count * d * 4).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(rows, 0, count * d);
      out.write(buf.array());
    }
    move(tmp, target);
    Path meta = dir.resolve("meta.json");
    if (!Files.exists(meta)) {
      Path mt = dir.resolve("meta.json." + shard + ".tmp");
      Files.writeString(mt, JSON.writeValueAsString(info));
      move(mt, meta);
    }
  }

  /** The merged N x d matrix of every shard, row-major. */
  public float[] readAll(String key, int shards, int[] dimOut) throws IOException {
    Path dir = dir(key);
    int total = 0;
    int d = -1;
    float[][] parts = new float[shards][];
    for (int i = 0; i < shards; i++) {
      Path f = shardFile(dir, i, shards);
      try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
        int rows = in.readInt();
        int dim = in.readInt();
        if (rows < 0 || dim <= 0 || (d >= 0 && dim != d)) {
          throw new BadInputException(f + ": corrupt embedding shard header (" + rows + " x " + dim + ")");
        }
        d = dim;
        byte[] body = in.readNBytes(rows * dim * 4);
        if (body.length != rows * dim * 4) {
          throw new BadInputException(f + ": truncated embedding shard (" + body.length + " of " + rows * dim * 4 + " bytes)");
        }
        parts[i] = new float[rows * dim];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(parts[i]);
        total += rows;
      }
    }
    float[] all = new float[total * d];
    int off = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, off, p.length);
      off += p.length;
    }
    dimOut[0] = d;
    return all;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
