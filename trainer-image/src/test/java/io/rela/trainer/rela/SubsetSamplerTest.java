package io.rela.trainer.rela;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SubsetSamplerTest {

  @Test
  void drawsFloorOfNTimesRDistinctIndices() {
    SubsetSampler s = new SubsetSampler(1000, 0.37, 1);
    int[] d = s.draw(0);
    assertThat(d).hasSize(370);
    assertThat(Arrays.stream(d).distinct().count()).isEqualTo(370);
    assertThat(Arrays.stream(d).allMatch(i -> i >= 0 && i < 1000)).isTrue();
    assertThat(new SubsetSampler(10, 0.99, 1).draw(0)).hasSize(9);
    assertThat(new SubsetSampler(10, 1.0, 1).draw(0)).hasSize(10);
  }

  @Test
  void aNewDrawEachEpochTheSameDrawForTheSameEpoch() {
    SubsetSampler s = new SubsetSampler(1000, 0.1, 7);
    assertThat(s.draw(3)).isEqualTo(s.draw(3));
    assertThat(s.draw(3)).isNotEqualTo(s.draw(4));
    assertThat(new SubsetSampler(1000, 0.1, 8).draw(3)).isNotEqualTo(s.draw(3));
  }

  @Test
  void overManyEpochsTheWholeDatasetIsSeen() {
    // P(a sample is never drawn in 60 epochs at r = 0.1) = 0.9^60 = 0.0018
    SubsetSampler s = new SubsetSampler(2000, 0.1, 3);
    BitSet seen = new BitSet();
    for (int e = 0; e < 60; e++) {
      Arrays.stream(s.draw(e)).forEach(seen::set);
    }
    assertThat(seen.cardinality()).isGreaterThan(1980);
  }

  @Test
  void ratioOutsideTheRangeIsRefused() {
    assertThatThrownBy(() -> new SubsetSampler(10, 0, 1)).hasMessageContaining("dataRatio");
    assertThatThrownBy(() -> new SubsetSampler(10, 1.5, 1)).hasMessageContaining("dataRatio");
  }
}
