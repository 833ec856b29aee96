package io.rela.trainer.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Who the trainer runs as and whether its root filesystem is writable, read from /proc: the
 * first line of every stage's log, so a person (and the end-to-end test) can see that the pod
 * ran non-root with a read-only root filesystem, as the operator's security context asks.
 */
public final class ProcessIdentity {

  private ProcessIdentity() {}

  /** "uid=10001 gid=10001, root filesystem read-only" (or "read-write", or "unknown" off Linux). */
  public static String describe() {
    return describe(read(Path.of("/proc/self/status")), read(Path.of("/proc/self/mountinfo")));
  }

  static String describe(Optional<String> status, Optional<String> mountinfo) {
    String uid = status.flatMap(s -> field(s, "Uid:")).orElse("unknown");
    String gid = status.flatMap(s -> field(s, "Gid:")).orElse("unknown");
    String root = mountinfo.flatMap(ProcessIdentity::rootMode).orElse("unknown");
    return "uid=" + uid + " gid=" + gid + ", root filesystem " + root;
  }

  /** The effective id: the second number of /proc/self/status's Uid:/Gid: line. */
  static Optional<String> field(String status, String key) {
    return status.lines().filter(l -> l.startsWith(key)).findFirst().map(l -> {
      String[] f = l.substring(key.length()).trim().split("\\s+");
      return f.length > 1 ? f[1] : f[0];
    });
  }

  /** "read-only" or "read-write" from the mount options of the last mount at "/" (the one in effect). */
  static Optional<String> rootMode(String mountinfo) {
    String mode = null;
    for (String line : mountinfo.lines().toList()) {
      String[] f = line.split(" ");
      // mountinfo: id parent major:minor root mount-point options ...
      if (f.length > 5 && f[4].equals("/")) {
        mode = List.of(f[5].split(",")).contains("ro") ? "read-only" : "read-write";
      }
    }
    return Optional.ofNullable(mode);
  }

  private static Optional<String> read(Path p) {
    try {
      return Optional.of(Files.readString(p));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }
}
