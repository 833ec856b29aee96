package io.rela.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * A frozen network over samples [from, to) of a dataset, batch by batch, with deterministic
 * preprocessing: the one loop behind the prior's embedding pass, the evaluation's features and
 * the benchmark's embedding measurement. Each batch's arrays live in a scope of their own.
 */
public final class BatchedForward {

  /** Receives the outputs of rows [first, first + count), count x d row-major. */
  public interface Sink {
    void accept(long first, float[] rows, int count, int d) throws IOException;
  }

  private BatchedForward() {}

  public static void run(NDManager parent, ImageDataset data, Preprocess pre, long from, long to, int batch,
      UnaryOperator<NDArray> forward, Sink sink) throws IOException {
    for (long start = from; start < to; start += batch) {
      int n = (int) Math.min(batch, to - start);
      try (NDManager m = parent.newSubManager()) {
        NDArray x = m.create(pre.batch(data, Math.toIntExact(start), n), new Shape(n, pre.channels(), pre.size(), pre.size()));
        NDArray y = forward.apply(x);
        y.attach(m);
        sink.accept(start, y.toFloatArray(), n, (int) (y.getShape().size() / n));
      }
    }
  }
}
