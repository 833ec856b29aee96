package io.rela.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.trainer.AtomicFiles;
import io.rela.trainer.model.Networks;
import io.rela.trainer.optim.AdamW;
import io.rela.trainer.rela.SwitchRule;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A training checkpoint: every network's parameters (BatchNorm statistics included), the
 * optimiser's moments, the switch rule's state, and the run's counters. Written to a temporary
 * file, synced, then renamed, with a CRC32 trailer, so a file either loads whole or is ignored.
 */
public final class Checkpoint {

  private static final int MAGIC = 0x52454c41; // "RELA"
  private static final int VERSION = 1;
  private static final String PREFIX = "checkpoint-epoch-";
  private static final String SUFFIX = ".bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Counters and scalar state saved with the tensors, and what the backbone expects as input
   * (channels, size and the normalisation it was trained with), so it can be used as a prior or
   * exported without the job that trained it. {@code mean}/{@code std} are null in checkpoints
   * written before they were recorded; {@code run} (whose checkpoint this is) likewise, and such
   * a checkpoint is never resumed.
   */
  public record Meta(int epochsDone, long step, long samplesSeen, long seed, String backbone, boolean cifarStem,
      int channels, int imageSize, SwitchRule.State switchState, float[] mean, float[] std, RunIdentity run) {}

  private Checkpoint() {}

  public static Path fileFor(Path dir, int epochsDone) {
    return dir.resolve(String.format("%s%06d%s", PREFIX, epochsDone, SUFFIX));
  }

  /** Writes atomically and keeps only the newest {@code keep} checkpoints. */
  public static Path save(Path dir, Meta meta, Networks nets, AdamW optimizer, int keep) throws IOException {
    Files.createDirectories(dir);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      writeBlob(out, JSON.writeValueAsBytes(meta));
      List<String> parts = nets.partNames();
      out.writeInt(parts.size());
      for (String part : parts) {
        out.writeUTF(part);
        List<Parameter> params = Networks.parameters(nets.part(part));
        out.writeInt(params.size());
        for (Parameter p : params) {
          writeBlob(out, p.getArray().encode());
        }
      }
      Map<String, AdamW.State> states = optimizer.states();
      out.writeInt(states.size());
      for (Map.Entry<String, AdamW.State> e : states.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().steps);
        writeBlob(out, e.getValue().mean.encode());
        writeBlob(out, e.getValue().variance.encode());
      }
    }
    byte[] body = bytes.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(body);
    Path target = fileFor(dir, meta.epochsDone());
    // a write that fails (a full disk) removes its temporary file: nothing partial is left
    AtomicFiles.write(target, body, ByteBuffer.allocate(8).putLong(crc.getValue()).array());
    prune(dir, keep);
    return target;
  }

  private static void prune(Path dir, int keep) throws IOException {
    List<Path> all = list(dir);
    for (int i = keep; i < all.size(); i++) {
      Files.deleteIfExists(all.get(i));
    }
  }

  /** Checkpoint files, newest first. */
  public static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
      }).sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
    }
  }

  /** A checkpoint read and verified, its tensors still to be copied into networks. */
  public static final class Loaded {
    public final Path file;
    public final Meta meta;
    final List<String> partNames = new ArrayList<>();
    final List<List<byte[]>> parts = new ArrayList<>();
    final List<Object[]> optimizer = new ArrayList<>();

    Loaded(Path file, Meta meta) {
      this.file = file;
      this.meta = meta;
    }

    /** Copies every tensor into {@code nets} and the optimiser state into {@code opt}. */
    public void restore(Networks nets, AdamW opt, NDManager manager) {
      for (int i = 0; i < partNames.size(); i++) {
        restorePart(nets.part(partNames.get(i)), parts.get(i), manager, file + " part " + partNames.get(i));
      }
      for (Object[] o : optimizer) {
        opt.restore((String) o[0], manager.decode((byte[]) o[2]), manager.decode((byte[]) o[3]), (Integer) o[1]);
      }
    }

    /** Copies only the online backbone (for a Job prior or the linear probe). */
    public void restoreBackbone(ai.djl.nn.Block backbone, NDManager manager) {
      int i = partNames.indexOf(Networks.BACKBONE);
      if (i < 0) {
        throw new IllegalStateException(file + " holds no backbone");
      }
      restorePart(backbone, parts.get(i), manager, file + " backbone");
    }

    private static void restorePart(ai.djl.nn.Block block, List<byte[]> tensors, NDManager manager, String what) {
      List<Parameter> params = Networks.parameters(block);
      if (params.size() != tensors.size()) {
        throw new IllegalStateException(what + ": " + tensors.size() + " tensors, network has " + params.size());
      }
      for (int j = 0; j < params.size(); j++) {
        try (NDArray a = manager.decode(tensors.get(j))) {
          NDArray dst = params.get(j).getArray();
          if (!a.getShape().equals(dst.getShape())) {
            throw new IllegalStateException(what + ": tensor " + j + " has shape " + a.getShape() + ", network expects " + dst.getShape());
          }
          a.copyTo(dst);
        }
      }
    }
  }

  /** Reads and verifies one file; empty when it is partial, corrupt or of another format. */
  public static Optional<Loaded> read(Path file) {
    try {
      byte[] all = Files.readAllBytes(file);
      if (all.length < 16) {
        return Optional.empty();
      }
      CRC32 crc = new CRC32();
      crc.update(all, 0, all.length - 8);
      long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
      if (stored != crc.getValue()) {
        return Optional.empty();
      }
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        return Optional.empty();
      }
      Meta meta = JSON.readValue(readBlob(in), Meta.class);
      Loaded l = new Loaded(file, meta);
      int parts = in.readInt();
      for (int i = 0; i < parts; i++) {
        l.partNames.add(in.readUTF());
        int n = in.readInt();
        List<byte[]> tensors = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          tensors.add(readBlob(in));
        }
        l.parts.add(tensors);
      }
      int states = in.readInt();
      for (int i = 0; i < states; i++) {
        String id = in.readUTF();
        int steps = in.readInt();
        l.optimizer.add(new Object[] {id, steps, readBlob(in), readBlob(in)});
      }
      return Optional.of(l);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The newest checkpoint in {@code dir} that verifies; corrupt ones are reported and skipped. */
  public static Optional<Loaded> newestValid(Path dir, java.util.function.Consumer<String> log) throws IOException {
    for (Path f : list(dir)) {
      Optional<Loaded> l = read(f);
      if (l.isPresent()) {
        return l;
      }
      log.accept("ignoring " + f + ": partial or corrupt checkpoint (checksum or format mismatch)");
    }
    return Optional.empty();
  }

  private static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBlob(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 30)) {
      throw new IOException("bad length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
