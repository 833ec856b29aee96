package io.rela.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.rela.api.spec.Backbone;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import io.rela.trainer.optim.AdamW;
import io.rela.trainer.rela.TargetReducer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Data parallel over two replicas (both on the CPU here; on a node they sit on two GPUs) must
 * train exactly like one device. A batch made of the same 16 samples twice gives each replica
 * the slice one device would see alone (same BatchNorm statistics), so after ReLA and BYOL
 * steps every parameter of the model of record must match the single-device run.
 */
class DataParallelTest {

  private static final Networks.Architecture ARCH = new Networks.Architecture(Backbone.CONVNET4, true, 1, 28);
  private static final int N = 16;
  private static final int K = 8;

  @Test
  void twoReplicasOnDuplicatedSlicesTrainLikeOneDevice() {
    Batch single = batch(N, 7);
    Batch doubled = new Batch(concat(single.indices(), single.indices()), concat(single.view1(), single.view1()),
        concat(single.view2(), single.view2()), concat(single.labels(), single.labels()));
    TargetReducer.Targets targets = targets(N, 3);
    try (NDManager m = NDManager.newBaseManager();
        Networks one = networks(m);
        Networks primary = networks(m);
        Networks replica = networks(m)) {
      DataParallel alone = DataParallel.single(context(one, new AdamW(one.manager(), 1e-3, 0.01)));
      DataParallel pair = new DataParallel(context(primary, new AdamW(primary.manager(), 1e-3, 0.01)),
          List.of(context(replica, null)));
      assertThat(pair.devices()).isEqualTo(2);

      StepResult a1 = new ReLAPhase(alone, targets, false).step(single);
      StepResult b1 = new ReLAPhase(pair, targets, false).step(doubled);
      assertThat(b1.loss()).isCloseTo(a1.loss(), within(1e-5));
      StepResult a2 = new ByolPhase(alone).step(single);
      StepResult b2 = new ByolPhase(pair).step(doubled);
      assertThat(b2.loss()).isCloseTo(a2.loss(), within(1e-5));
      assertThat(b2.correct()).isEqualTo(2 * a2.correct());

      for (String part : one.partNames()) {
        List<Parameter> expected = Networks.parameters(one.part(part));
        List<Parameter> actual = Networks.parameters(primary.part(part));
        List<Parameter> copy = Networks.parameters(replica.part(part));
        for (int i = 0; i < expected.size(); i++) {
          float[] e = expected.get(i).getArray().toFloatArray();
          assertThat(maxAbsDiff(actual.get(i).getArray().toFloatArray(), e)).as("%s #%d", part, i).isLessThan(2e-5f);
          assertThat(copy.get(i).getArray().toFloatArray()).as("replica %s #%d holds the primary's values", part, i)
              .containsExactly(actual.get(i).getArray().toFloatArray());
        }
      }
      // the step really moved the weights: equality above is not two untouched initialisations
      try (Networks fresh = networks(m)) {
        float[] before = Networks.parameters(fresh.part(Networks.BACKBONE)).get(0).getArray().toFloatArray();
        float[] after = Networks.parameters(primary.part(Networks.BACKBONE)).get(0).getArray().toFloatArray();
        assertThat(maxAbsDiff(before, after)).isGreaterThan(1e-4f);
      }
    }
  }

  @Test
  void splitKeepsEverySampleOnceInOrder() {
    Batch b = batch(10, 1);
    List<Batch> parts = b.split(3);
    assertThat(parts).extracting(Batch::size).containsExactly(4, 3, 3);
    assertThat(concat(concat(parts.get(0).indices(), parts.get(1).indices()), parts.get(2).indices()))
        .containsExactly(b.indices());
    int per = b.view1().length / b.size();
    assertThat(parts.get(1).view2()).containsExactly(java.util.Arrays.copyOfRange(b.view2(), 4 * per, 7 * per));
    assertThat(parts.get(2).labels()).containsExactly(java.util.Arrays.copyOfRange(b.labels(), 7, 10));
  }

  private static Networks networks(NDManager m) {
    return new Networks(m, ARCH, 64, 32, K, 10, false, 5);
  }

  private static StepContext context(Networks nets, AdamW opt) {
    return new StepContext(nets, opt, 0.99, true, 10);
  }

  private static Batch batch(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] idx = new int[n];
    int[] labels = new int[n];
    float[] v1 = new float[n * 28 * 28];
    float[] v2 = new float[n * 28 * 28];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
      labels[i] = r.nextInt(10);
    }
    for (int i = 0; i < v1.length; i++) {
      v1[i] = (float) r.nextGaussian();
      v2[i] = (float) r.nextGaussian();
    }
    return new Batch(idx, v1, v2, labels);
  }

  private static TargetReducer.Targets targets(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] t = new float[n * K];
    for (int i = 0; i < t.length; i++) {
      t[i] = (float) r.nextGaussian();
    }
    return TargetReducer.Targets.of(t, K);
  }

  private static float maxAbsDiff(float[] a, float[] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
