package io.rela.trainer.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rela.trainer.rela.RowBlocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards are published whole or not at all, verified on read, and never mistaken for one another. */
class EmbeddingCacheTest {

  @TempDir
  Path dir;

  private static float[] rows(int n, int d, float base) {
    float[] r = new float[n * d];
    for (int i = 0; i < r.length; i++) {
      r[i] = base + i;
    }
    return r;
  }

  private static float[] readAll(RowBlocks y) throws Exception {
    float[] all = new float[(int) y.n() * y.d()];
    y.forEach((first, block, count) -> System.arraycopy(block, 0, all, (int) first * y.d(), count * y.d()));
    return all;
  }

  private long temporaryFiles(String key) throws Exception {
    try (Stream<Path> s = Files.list(dir.resolve(key))) {
      return s.filter(p -> p.toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void publishesVerifiesAndStreamsShardsInOrder() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(dir);
    for (int shard = 0; shard < 2; shard++) {
      try (EmbeddingCache.ShardWriter w = cache.openShard("k", shard, 2, 3, 2)) {
        assertThat(cache.hasShard("k", shard, 2, 6)).isFalse();
        w.append(rows(2, 2, 100 * shard), 2);
        w.append(java.util.Arrays.copyOfRange(rows(3, 2, 100 * shard), 4, 6), 1);
        assertThat(w.publish(Map.of("prior", "p"))).isTrue();
      }
    }
    assertThat(cache.isComplete("k", 2, 6)).isTrue();
    RowBlocks y = cache.rows("k", 2, 6);
    assertThat(y.n()).isEqualTo(6);
    assertThat(y.d()).isEqualTo(2);
    float[] all = readAll(y);
    assertThat(java.util.Arrays.copyOfRange(all, 0, 6)).containsExactly(rows(3, 2, 0));
    assertThat(java.util.Arrays.copyOfRange(all, 6, 12)).containsExactly(rows(3, 2, 100));
    assertThat(temporaryFiles("k")).isZero();
    assertThat(dir.resolve("k/meta.json")).exists();
  }

  @Test
  void aWriterThatStopsLeavesNothingBehind() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(dir);
    try (EmbeddingCache.ShardWriter w = cache.openShard("k", 0, 1, 4, 2)) {
      w.append(rows(2, 2, 0), 2);
      // the process dies here: no publish
    }
    assertThat(cache.hasShard("k", 0, 1, 4)).isFalse();
    assertThat(temporaryFiles("k")).isZero();
  }

  @Test
  void twoWritersOfOneShardPublishOneCompleteFile() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(dir);
    try (EmbeddingCache.ShardWriter a = cache.openShard("k", 0, 1, 2, 2);
        EmbeddingCache.ShardWriter b = cache.openShard("k", 0, 1, 2, 2)) {
      // interleaved, as two pods on one shared volume would
      a.append(rows(1, 2, 0), 1);
      b.append(rows(1, 2, 0), 1);
      b.append(java.util.Arrays.copyOfRange(rows(2, 2, 0), 2, 4), 1);
      a.append(java.util.Arrays.copyOfRange(rows(2, 2, 0), 2, 4), 1);
      assertThat(b.publish(Map.of())).isTrue();
      assertThat(a.publish(Map.of())).as("the second writer finds a valid shard and keeps it").isFalse();
    }
    assertThat(readAll(cache.rows("k", 1, 2))).containsExactly(rows(2, 2, 0));
    assertThat(temporaryFiles("k")).isZero();
  }

  @Test
  void tornCorruptAndForeignShardsAreNeverTrusted() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(dir);
    try (EmbeddingCache.ShardWriter w = cache.openShard("k", 0, 1, 3, 2)) {
      w.append(rows(3, 2, 0), 3);
      w.publish(Map.of());
    }
    Path f = EmbeddingCache.shardFile(dir.resolve("k"), 0, 1);
    byte[] good = Files.readAllBytes(f);

    Files.write(f, java.util.Arrays.copyOf(good, good.length - 4));
    assertThat(cache.hasShard("k", 0, 1, 3)).as("torn").isFalse();

    byte[] flipped = good.clone();
    flipped[flipped.length - 3] ^= 0x10;
    Files.write(f, flipped);
    assertThat(cache.hasShard("k", 0, 1, 3)).as("the header and length still look right").isTrue();
    assertThatThrownBy(() -> readAll(cache.rows("k", 1, 3))).isInstanceOf(EmbeddingCache.CorruptShardException.class)
        .hasMessageContaining("checksum mismatch").hasMessageContaining(f.getFileName().toString());

    // a shard of the earlier format (rows and d, then the floats) is another format: absent
    java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(8 + 24).putInt(3).putInt(2);
    Files.write(f, old.array());
    assertThat(cache.hasShard("k", 0, 1, 3)).as("old format").isFalse();
  }

  @Test
  void aShardOfAnotherKeySlotOrRowCountIsNotThisKeysAndIsReplaced() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(dir);
    try (EmbeddingCache.ShardWriter w = cache.openShard("k", 0, 1, 3, 2)) {
      w.append(rows(3, 2, 0), 3);
      w.publish(Map.of());
    }
    assertThat(cache.hasShard("k", 0, 1, 3)).isTrue();
    assertThat(cache.hasShard("k", 0, 1, 4)).as("a dataset of 4 samples needs 4 rows").isFalse();
    assertThatThrownBy(() -> cache.rows("k", 1, 4)).isInstanceOf(EmbeddingCache.CorruptShardException.class)
        .hasMessageContaining("not this key's shard");
    // the same file copied under another key, whose checksum alone would pass
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.copy(EmbeddingCache.shardFile(dir.resolve("k"), 0, 1), EmbeddingCache.shardFile(other, 0, 1));
    assertThat(cache.hasShard("other", 0, 1, 3)).as("copied under another key").isFalse();
    // a writer of the right shape replaces the wrong one instead of deferring to it
    try (EmbeddingCache.ShardWriter w = cache.openShard("k", 0, 1, 4, 2)) {
      w.append(rows(4, 2, 7), 4);
      assertThat(w.publish(Map.of())).isTrue();
    }
    assertThat(cache.hasShard("k", 0, 1, 4)).isTrue();
    assertThat(readAll(cache.rows("k", 1, 4))).containsExactly(rows(4, 2, 7));
  }
}
