package io.rela.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Files that appear whole or not at all: written to a temporary name of this writer's own
 * beside the target (process id and a random suffix, so concurrent writers never share one),
 * synced, then renamed over the target.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** A fresh temporary name beside {@code target}. */
  public static Path temporary(Path target) {
    return target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".tmp");
  }

  /** Writes {@code parts} in order to {@code target}, atomically. */
  public static void write(Path target, byte[]... parts) throws IOException {
    Path tmp = temporary(target);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (byte[] p : parts) {
        ByteBuffer b = ByteBuffer.wrap(p);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    move(tmp, target);
  }

  /** Renames {@code from} over {@code to}, atomically where the file system can. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
