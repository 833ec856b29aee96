package io.rela.trainer.rela;

/**
 * An N x k float matrix with 64-bit row indices, held in chunks of whole rows so it can exceed
 * the 2^31 elements of one Java array (ImageNet's 1.28 M samples x 2048 features does). Offsets
 * inside a chunk stay below 2^31 by construction. A chunk is allocated when first written; rows
 * never written read as zeros.
 */
public final class FloatTable {

  /** Rows per chunk by default: chunks of at most 2^26 floats (256 MiB). */
  public static final int DEFAULT_CHUNK_FLOATS = 1 << 26;

  private final long n;
  private final int k;
  private final int rowsPerChunk;
  private final float[][] chunks;

  public FloatTable(long n, int k) {
    this(n, k, defaultRowsPerChunk(k));
  }

  /** Rows per chunk of the default size for rows of {@code k} floats. */
  public static int defaultRowsPerChunk(int k) {
    return Math.max(1, DEFAULT_CHUNK_FLOATS / Math.max(1, k));
  }

  /** A table with {@code rowsPerChunk} rows per chunk (tests use small chunks to cross chunk borders). */
  public FloatTable(long n, int k, int rowsPerChunk) {
    if (n < 0 || k < 0 || rowsPerChunk < 1 || (long) rowsPerChunk * k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad table shape " + n + " x " + k + " / " + rowsPerChunk);
    }
    this.n = n;
    this.k = k;
    this.rowsPerChunk = rowsPerChunk;
    this.chunks = new float[Math.toIntExact((n + rowsPerChunk - 1) / rowsPerChunk)][];
  }

  /** A single-chunk table wrapping {@code rows} (n x k, row-major). */
  public static FloatTable of(float[] rows, int k) {
    long n = k == 0 ? 0 : rows.length / k;
    FloatTable t = new FloatTable(n, k, (int) Math.max(1, n));
    if (n > 0) {
      t.chunks[0] = rows.clone();
    }
    return t;
  }

  public long n() {
    return n;
  }

  public int k() {
    return k;
  }

  /** Copies row {@code i} into {@code dst} at {@code offset}. */
  public void copyRow(long i, float[] dst, int offset) {
    float[] c = chunks[chunk(i)];
    if (c == null) {
      java.util.Arrays.fill(dst, offset, offset + k, 0f);
    } else {
      System.arraycopy(c, within(i), dst, offset, k);
    }
  }

  /** Overwrites row {@code i} with {@code src} from {@code offset}. */
  public void setRow(long i, float[] src, int offset) {
    System.arraycopy(src, offset, writable(i), within(i), k);
  }

  public float get(long i, int c) {
    float[] ch = chunks[chunk(i)];
    return ch == null ? 0f : ch[within(i) + c];
  }

  public void set(long i, int c, float v) {
    writable(i)[within(i) + c] = v;
  }

  private float[] writable(long i) {
    int c = chunk(i);
    if (chunks[c] == null) {
      long rows = Math.min(rowsPerChunk, n - (long) c * rowsPerChunk);
      chunks[c] = new float[Math.toIntExact(rows * k)];
    }
    return chunks[c];
  }

  private int chunk(long i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("row " + i + " of " + n);
    }
    return (int) (i / rowsPerChunk);
  }

  private int within(long i) {
    return (int) (i % rowsPerChunk) * k;
  }
}
