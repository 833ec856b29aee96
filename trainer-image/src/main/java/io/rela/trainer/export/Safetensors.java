package io.rela.trainer.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.trainer.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data, published with {@link AtomicFiles}.
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor: float32 data, or an int64 scalar (BatchNorm's num_batches_tracked). */
  private record Tensor(String name, String dtype, long[] shape, byte[] data) {}

  private final List<Tensor> tensors = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public Safetensors f32(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    long count = 1;
    for (long s : shape) {
      count *= s;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(name + ": shape holds " + count + " values, got " + values.length);
    }
    tensors.add(new Tensor(name, "F32", shape.clone(), b.array()));
    return this;
  }

  public Safetensors i64Scalar(String name, long value) {
    tensors.add(new Tensor(name, "I64", new long[0],
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array()));
    return this;
  }

  public Safetensors metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public void write(Path file) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (!metadata.isEmpty()) {
      header.put("__metadata__", metadata);
    }
    long offset = 0;
    for (Tensor t : tensors) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("dtype", t.dtype);
      e.put("shape", t.shape);
      e.put("data_offsets", new long[] {offset, offset + t.data.length});
      header.put(t.name, e);
      offset += t.data.length;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    // pad the header with spaces so the data starts 8-byte aligned, as the reference writer does
    int padded = (json.length + 7) / 8 * 8;
    byte[] head = new byte[padded];
    System.arraycopy(json, 0, head, 0, json.length);
    java.util.Arrays.fill(head, json.length, padded, (byte) ' ');
    byte[][] parts = new byte[tensors.size() + 2][];
    parts[0] = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array();
    parts[1] = head;
    for (int i = 0; i < tensors.size(); i++) {
      parts[i + 2] = tensors.get(i).data;
    }
    AtomicFiles.write(file, parts);
  }
}
