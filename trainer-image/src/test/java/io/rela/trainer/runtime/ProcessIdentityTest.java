package io.rela.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessIdentityTest {

  private static final String STATUS = "Name:\tjava\nUid:\t10001\t10001\t10001\t10001\nGid:\t10001\t10002\t10001\t10001\n";

  @Test
  void effectiveIdsAndTheRootMountInEffect() {
    String mountinfo = """
        22 1 0:21 / / rw,relatime - overlay overlay rw
        23 22 0:22 / /proc rw,nosuid - proc proc rw
        640 22 0:45 / / ro,relatime - overlay overlay rw,lowerdir=a
        """;
    assertThat(ProcessIdentity.describe(Optional.of(STATUS), Optional.of(mountinfo)))
        .isEqualTo("uid=10001 gid=10002, root filesystem read-only");
  }

  @Test
  void aWritableRootIsSaidSo() {
    assertThat(ProcessIdentity.rootMode("22 1 0:21 / / rw,relatime - ext4 /dev/vda rw\n")).contains("read-write");
  }

  @Test
  void unknownWhenProcIsMissing() {
    assertThat(ProcessIdentity.describe(Optional.empty(), Optional.empty())).isEqualTo("uid=unknown gid=unknown, root filesystem unknown");
  }
}
