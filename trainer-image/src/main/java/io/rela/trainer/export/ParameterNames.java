package io.rela.trainer.export;

import io.rela.api.spec.Backbone;
import io.rela.trainer.model.Backbones;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch name of every backbone parameter, in the order the DJL blocks of
 * {@code model.Backbones} list them: torchvision's ResNet names (conv1, bn1, layerS.U.convK,
 * layerS.U.bnK, layerS.U.downsample.{0,1}) for the ResNets, and the indices of the
 * {@code nn.Sequential} in {@code rela_backbone.py} for convnet4.
 */
public final class ParameterNames {

  /** What a DJL parameter is: a convolution weight or one of BatchNorm's four tensors. */
  public enum Kind {
    CONV_WEIGHT("weight", "weight"),
    BN_WEIGHT("gamma", "weight"),
    BN_BIAS("beta", "bias"),
    BN_RUNNING_MEAN("runningMean", "running_mean"),
    BN_RUNNING_VAR("runningVar", "running_var");

    /** How DJL's parameter name ends. */
    public final String djlSuffix;
    /** The PyTorch attribute. */
    public final String torchSuffix;

    Kind(String djlSuffix, String torchSuffix) {
      this.djlSuffix = djlSuffix;
      this.torchSuffix = torchSuffix;
    }
  }

  /** One parameter: its PyTorch name and what it is. */
  public record Named(String name, Kind kind) {}

  private ParameterNames() {}

  public static List<Named> of(Backbone backbone) {
    List<Named> out = new ArrayList<>();
    switch (backbone) {
      case CONVNET4 -> {
        for (int i = 0; i < 4; i++) {
          conv(out, String.valueOf(4 * i));
          bn(out, String.valueOf(4 * i + 1));
        }
      }
      case RESNET18 -> resNet(out, new int[] {2, 2, 2, 2}, false);
      case RESNET50 -> resNet(out, new int[] {3, 4, 6, 3}, true);
    }
    return out;
  }

  /** BatchNorm layers by their PyTorch prefix: each gets a num_batches_tracked buffer in the export. */
  public static List<String> batchNormPrefixes(Backbone backbone) {
    List<String> out = new ArrayList<>();
    for (Named n : of(backbone)) {
      if (n.kind == Kind.BN_WEIGHT) {
        out.add(n.name.substring(0, n.name.length() - ".weight".length()));
      }
    }
    return out;
  }

  private static void resNet(List<Named> out, int[] units, boolean bottleneck) {
    conv(out, "conv1");
    bn(out, "bn1");
    int convs = bottleneck ? 3 : 2;
    for (int stage = 0; stage < 4; stage++) {
      for (int u = 0; u < units[stage]; u++) {
        String p = "layer" + (stage + 1) + "." + u + ".";
        for (int k = 1; k <= convs; k++) {
          conv(out, p + "conv" + k);
          bn(out, p + "bn" + k);
        }
        if (Backbones.projects(stage, u, bottleneck)) {
          conv(out, p + "downsample.0");
          bn(out, p + "downsample.1");
        }
      }
    }
  }

  private static void conv(List<Named> out, String prefix) {
    out.add(new Named(prefix + ".weight", Kind.CONV_WEIGHT));
  }

  private static void bn(List<Named> out, String prefix) {
    out.add(new Named(prefix + ".weight", Kind.BN_WEIGHT));
    out.add(new Named(prefix + ".bias", Kind.BN_BIAS));
    out.add(new Named(prefix + ".running_mean", Kind.BN_RUNNING_MEAN));
    out.add(new Named(prefix + ".running_var", Kind.BN_RUNNING_VAR));
  }
}
