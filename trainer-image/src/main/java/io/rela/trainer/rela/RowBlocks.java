package io.rela.trainer.rela;

import java.io.IOException;

/**
 * An N x d float matrix read as consecutive blocks of rows, in order, as often as needed:
 * the prior's embeddings, streamed from the cache shards so that Y is never whole in memory.
 */
public interface RowBlocks {

  long n();

  int d();

  /** Receives rows [firstRow, firstRow + count), row-major in {@code rows}. */
  interface Visitor {
    void accept(long firstRow, float[] rows, int count);
  }

  /** Visits every row once, in order. */
  void forEach(Visitor v) throws IOException;

  /** An in-memory matrix (tests, small data). */
  static RowBlocks of(float[] y, long n, int d) {
    return new RowBlocks() {
      @Override public long n() { return n; }
      @Override public int d() { return d; }
      @Override public void forEach(Visitor v) {
        v.accept(0, y, (int) n);
      }
    };
  }
}
