package io.rela.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.rela.api.spec.Backbone;
import java.util.Arrays;

/**
 * Student backbones built from DJL blocks, each ending in a global average pool: input
 * N x C x S x S, output N x D. DJL's ResNetV1 has no 18-layer variant and no small-image stem,
 * so the ResNets are assembled here from basic and bottleneck units.
 */
public final class Backbones {

  private Backbones() {}

  public static Block build(Backbone backbone, boolean cifarStem) {
    return switch (backbone) {
      case CONVNET4 -> convNet4();
      case RESNET18 -> resNet(new int[] {2, 2, 2, 2}, false, cifarStem);
      case RESNET50 -> resNet(new int[] {3, 4, 6, 3}, true, cifarStem);
    };
  }

  /** Width D of the features a backbone produces. */
  public static int featureDim(Backbone backbone) {
    return switch (backbone) {
      case CONVNET4 -> 256;
      case RESNET18 -> 512;
      case RESNET50 -> 2048;
    };
  }

  /** Four conv3x3-BN-ReLU blocks of 32, 64, 128, 256 channels; max pools after the first three. */
  static Block convNet4() {
    SequentialBlock net = new SequentialBlock();
    int[] widths = {32, 64, 128, 256};
    for (int i = 0; i < widths.length; i++) {
      net.add(conv(widths[i], 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
      if (i < 3) {
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
      }
    }
    return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
  }

  static Block resNet(int[] units, boolean bottleneck, boolean cifarStem) {
    SequentialBlock net = new SequentialBlock();
    if (cifarStem) {
      net.add(conv(64, 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
    } else {
      net.add(conv(64, 7, 2, 3)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
    }
    int[] widths = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; stage++) {
      for (int u = 0; u < units[stage]; u++) {
        int stride = stride(stage, u);
        boolean project = projects(stage, u, bottleneck);
        net.add(bottleneck ? bottleneckUnit(widths[stage], stride, project) : basicUnit(widths[stage], stride, project));
      }
    }
    return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
  }

  /** Stride of unit {@code unit} of stage {@code stage}: the first unit of stages 2-4 halves the resolution. */
  public static int stride(int stage, int unit) {
    return stage > 0 && unit == 0 ? 2 : 1;
  }

  /** Whether that unit's shortcut is a 1x1 convolution + BatchNorm (torchvision's "downsample"). */
  public static boolean projects(int stage, int unit, boolean bottleneck) {
    return unit == 0 && (stride(stage, unit) != 1 || bottleneck);
  }

  static Block basicUnit(int width, int stride, boolean project) {
    SequentialBlock main = new SequentialBlock()
        .add(conv(width, 3, stride, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
        .add(conv(width, 3, 1, 1)).add(BatchNorm.builder().build());
    return residual(main, project ? shortcut(width, stride) : Blocks.identityBlock());
  }

  static Block bottleneckUnit(int width, int stride, boolean project) {
    SequentialBlock main = new SequentialBlock()
        .add(conv(width, 1, 1, 0)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
        .add(conv(width, 3, stride, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
        .add(conv(width * 4, 1, 1, 0)).add(BatchNorm.builder().build());
    return residual(main, project ? shortcut(width * 4, stride) : Blocks.identityBlock());
  }

  private static Block residual(Block main, Block shortcut) {
    return new SequentialBlock()
        .add(new ParallelBlock(list -> {
          NDArray sum = list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow());
          return new NDList(sum);
        }, Arrays.asList(main, shortcut)))
        .add(Activation.reluBlock());
  }

  private static Block shortcut(int width, int stride) {
    return new SequentialBlock().add(conv(width, 1, stride, 0)).add(BatchNorm.builder().build());
  }

  private static Block conv(int filters, int kernel, int stride, int pad) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(pad, pad))
        .optBias(false)
        .build();
  }
}
