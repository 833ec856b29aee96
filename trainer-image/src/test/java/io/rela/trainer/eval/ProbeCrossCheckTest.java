package io.rela.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.rela.api.spec.Backbone;
import io.rela.api.spec.DatasetFormat;
import io.rela.trainer.Npy;
import io.rela.trainer.PyTorch;
import io.rela.trainer.TestFiles;
import io.rela.trainer.config.EvalSettings;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.data.Split;
import io.rela.trainer.model.Networks;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java linear probe against the reference's, written in PyTorch: both train on the same
 * frozen features (an untrained convnet4 on real Fashion-MNIST, where the reference protocol is
 * most sensitive: raw, unstandardised features) and must agree within 0.5 points.
 * {@code -Drela.probe.train=60000 -Drela.probe.test=10000} runs it on the full splits
 * ({@code make bench-probe}).
 */
class ProbeCrossCheckTest {

  @TempDir
  Path dir;

  @Test
  void javaAndPyTorchProbesAgree() throws Exception {
    int nTrain = Integer.getInteger("rela.probe.train", 10000);
    int nTest = Integer.getInteger("rela.probe.test", 5000);
    EvalSettings reference = EvalSettings.reference();
    Features train;
    Features test;
    try (NDManager m = NDManager.newBaseManager()) {
      Networks.Architecture arch = new Networks.Architecture(Backbone.CONVNET4, true, 1, 28);
      var backbone = Networks.initialBackbone(m, arch, 0);
      var norm = Datasets.normalisation(DatasetFormat.FashionMNIST, 1);
      Preprocess pre = new Preprocess(28, 1, norm.mean(), norm.std());
      ImageDataset tr = Datasets.open(DatasetFormat.FashionMNIST, TestFiles.FASHION_MNIST, Split.TRAIN, 28, 1, false).limit(nTrain);
      ImageDataset te = Datasets.open(DatasetFormat.FashionMNIST, TestFiles.FASHION_MNIST, Split.TEST, 28, 1, false).limit(nTest);
      train = Features.of(m, backbone, tr, pre, arch.featureDim());
      test = Features.of(m, backbone, te, pre, arch.featureDim());
    }
    long t0 = System.nanoTime();
    double java = LinearProbe.run(train, test, 10, reference, 0).accuracy();
    double javaSeconds = (System.nanoTime() - t0) / 1e9;
    for (String[] f : new String[][] {{"xtr", "train"}, {"xte", "test"}}) {
      Features x = f[1].equals("train") ? train : test;
      Npy.write(dir.resolve(f[0] + ".npy"), x.toArray(), x.n(), x.d());
      float[] labels = new float[x.n()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = x.y()[i];
      }
      Npy.write(dir.resolve(f[0].replace('x', 'y') + ".npy"), labels, x.n());
    }
    t0 = System.nanoTime();
    String out = PyTorch.ok("probe_crosscheck.py", dir.resolve("xtr.npy").toString(), dir.resolve("ytr.npy").toString(),
        dir.resolve("xte.npy").toString(), dir.resolve("yte.npy").toString(), String.valueOf(reference.probeEpochs()),
        String.valueOf(reference.probeLearningRate()), String.valueOf(reference.probeBatchSize()),
        String.valueOf(reference.averagedEpochs()));
    double pytorchSeconds = (System.nanoTime() - t0) / 1e9;
    double pytorch = Double.parseDouble(out.replaceAll("(?s).*pytorch probe accuracy ([0-9.]+).*", "$1"));
    System.out.printf(Locale.ROOT, "probe cross-check (%d train / %d test, untrained convnet4 features, reference protocol):"
        + " java %.4f (%.1f s), pytorch %.4f (%.1f s), difference %+.2f points%n", nTrain, nTest, java, javaSeconds, pytorch,
        pytorchSeconds, 100 * (java - pytorch));
    assertThat(java).isBetween(0.3, 1.0);
    assertThat(Math.abs(java - pytorch)).isLessThanOrEqualTo(0.005);
  }
}
