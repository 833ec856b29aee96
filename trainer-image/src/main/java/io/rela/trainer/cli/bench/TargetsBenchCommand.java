package io.rela.trainer.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.trainer.prior.EmbeddingCache;
import io.rela.trainer.rela.RowBlocks;
import io.rela.trainer.rela.TargetReducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cache and target path at a scale where 32-bit arithmetic breaks: synthetic embeddings of
 * N x d > 2^31 floats written as cache shards, then streamed through the PCA into the target
 * table. Reports the time of each part and the process's peak resident memory, which stays far
 * below the size of Y because Y is never held whole.
 */
@Command(name = "bench-targets", mixinStandardHelpOptions = true,
    description = "Write N x d synthetic embeddings to the cache and build the targets from them, streaming.")
public final class TargetsBenchCommand implements Callable<Integer> {

  @Option(names = "--rows", description = "N. Default: ${DEFAULT-VALUE} (with d = 256: N x d > 2^31).")
  long rows = 8_400_000L;

  @Option(names = "--dim", description = "d. Default: ${DEFAULT-VALUE}.")
  int dim = 256;

  @Option(names = "--k", description = "Target dimension. Default: ${DEFAULT-VALUE}.")
  int k = 64;

  @Option(names = "--shards", description = "Cache shards. Default: ${DEFAULT-VALUE}.")
  int shards = 8;

  @Option(names = "--dir", required = true, description = "Scratch folder for the cache (needs N x d x 4 bytes).")
  Path dir;

  @Option(names = "--json", description = "Write the numbers here.")
  Path json;

  @Override
  public Integer call() throws Exception {
    EmbeddingCache cache = new EmbeddingCache(dir);
    String key = "bench-targets";
    long t0 = System.nanoTime();
    int block = 4096;
    float[] buf = new float[block * dim];
    // low-rank structure plus noise, so the PCA has leading components to find
    SplittableRandom rnd = new SplittableRandom(0);
    float[][] basis = new float[8][dim];
    for (float[] b : basis) {
      for (int j = 0; j < dim; j++) {
        b[j] = (float) (rnd.nextDouble() * 2 - 1);
      }
    }
    for (int s = 0; s < shards; s++) {
      long[] range = EmbeddingCache.shardRange(rows, s, shards);
      try (EmbeddingCache.ShardWriter w = cache.openShard(key, s, shards, range[1] - range[0], dim)) {
        for (long from = range[0]; from < range[1]; from += block) {
          int n = (int) Math.min(block, range[1] - from);
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
              buf[i * dim + j] = (float) (rnd.nextDouble() - 0.5) * 0.1f;
            }
            for (int c = 0; c < basis.length; c++) {
              float a = (float) (rnd.nextDouble() * 2 - 1) * (basis.length - c);
              for (int j = 0; j < dim; j++) {
                buf[i * dim + j] += a * basis[c][j];
              }
            }
          }
          w.append(buf, n);
        }
        w.publish(Map.of("synthetic", true));
      }
    }
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    RowBlocks y = cache.rows(key, shards, rows);
    TargetReducer.Targets t = TargetReducer.reduce(y, k);
    double reduceSeconds = (System.nanoTime() - t1) / 1e9;
    // the last row, addressed past 2^31 floats of Y, reads back from the table
    float[] last = new float[k];
    t.table().copyRow(t.n() - 1, last, 0);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("dim", dim);
    out.put("elements", rows * dim);
    out.put("elements_over_2^31", rows * dim > (1L << 31));
    out.put("embeddings_bytes", rows * dim * 4L);
    out.put("k", k);
    out.put("shards", shards);
    out.put("write_seconds", Math.round(writeSeconds * 10) / 10.0);
    out.put("targets_seconds", Math.round(reduceSeconds * 10) / 10.0);
    out.put("leading_eigenvalues", java.util.Arrays.copyOf(t.eigenvalues(), Math.min(10, k)));
    out.put("peak_rss_mib", peakRssMib());
    out.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    System.out.println(String.format(Locale.ROOT, "N=%d d=%d (N x d = %d, %s 2^31), %.1f GiB of embeddings: written in %.1f s,"
        + " targets %d x %d in %.1f s, peak RSS %d MiB", rows, dim, rows * dim, rows * dim > (1L << 31) ? ">" : "<=",
        rows * dim * 4.0 / (1L << 30), writeSeconds, t.n(), t.k(), reduceSeconds, peakRssMib()));
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
    }
    return 0;
  }

  /** VmHWM of /proc/self/status: the most resident memory the process has had. */
  private static long peakRssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
