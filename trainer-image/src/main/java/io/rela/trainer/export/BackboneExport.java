package io.rela.trainer.export;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.trainer.AtomicFiles;
import io.rela.trainer.model.Networks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained backbone in a form PyTorch users load without this project: {@code
 * backbone.safetensors} with torchvision's parameter names (ResNets) or those of the {@code
 * nn.Sequential} in {@code rela_backbone.py} (convnet4), {@code backbone.json} with the
 * architecture and the preprocessing the backbone expects, and {@code rela_backbone.py}, which
 * builds the matching PyTorch module from that JSON.
 */
public final class BackboneExport {

  public static final String WEIGHTS = "backbone.safetensors";
  public static final String DESCRIPTION = "backbone.json";
  public static final String MODULE = "rela_backbone.py";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What the backbone expects as input.
   *
   * @param size side of the (square) input
   * @param mean per-channel normalisation mean
   * @param std per-channel normalisation std
   */
  public record Input(int size, float[] mean, float[] std) {}

  private BackboneExport() {}

  /** Writes the three files into {@code dir} (created) and returns it. */
  public static Path write(Path dir, Block backbone, Networks.Architecture arch, Input input, Map<String, Object> provenance)
      throws IOException {
    Files.createDirectories(dir);
    List<ParameterNames.Named> names = ParameterNames.of(arch.backbone());
    List<Pair<String, Parameter>> params = backbone.getParameters().stream().toList();
    if (params.size() != names.size()) {
      throw new IllegalStateException(arch.backbone() + ": " + params.size() + " parameters, the name table has " + names.size());
    }
    Safetensors st = new Safetensors();
    for (int i = 0; i < params.size(); i++) {
      ParameterNames.Named n = names.get(i);
      String djl = params.get(i).getKey();
      if (!djl.endsWith(n.kind().djlSuffix)) {
        // the blocks changed without the name table: refuse rather than export mislabelled weights
        throw new IllegalStateException("parameter " + i + " is " + djl + ", expected a " + n.kind() + " for " + n.name());
      }
      var a = params.get(i).getValue().getArray();
      st.f32(n.name(), a.getShape().getShape(), a.toFloatArray());
    }
    for (String bn : ParameterNames.batchNormPrefixes(arch.backbone())) {
      st.i64Scalar(bn + ".num_batches_tracked", 0);
    }
    st.metadata("format", "pt").metadata("architecture", architectureName(arch));
    st.write(dir.resolve(WEIGHTS));
    AtomicFiles.write(dir.resolve(DESCRIPTION), JSON.writeValueAsBytes(description(arch, input, provenance)));
    try (InputStream module = BackboneExport.class.getResourceAsStream(MODULE)) {
      AtomicFiles.write(dir.resolve(MODULE), module.readAllBytes());
    }
    return dir;
  }

  static Map<String, Object> description(Networks.Architecture arch, Input input, Map<String, Object> provenance) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("format", "rela-backbone/1");
    d.put("architecture", architectureName(arch));
    d.put("smallImageStem", arch.cifarStem());
    d.put("inChannels", arch.channels());
    d.put("featureDim", arch.featureDim());
    d.put("weights", WEIGHTS);
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("resizeShorterSide", input.size());
    pre.put("centerCrop", input.size());
    pre.put("channels", arch.channels());
    pre.put("scale", "pixels / 255");
    pre.put("mean", input.mean());
    pre.put("std", input.std());
    d.put("preprocessing", pre);
    d.put("output", "global-average-pooled features, N x " + arch.featureDim() + " (no classifier)");
    d.put("pytorch", switch (arch.backbone()) {
      case CONVNET4 -> "rela_backbone.convnet4(in_channels=" + arch.channels() + ")";
      case RESNET18, RESNET50 -> "torchvision.models." + architectureName(arch) + "(); model.fc = torch.nn.Identity()"
          + (arch.cifarStem() ? "; model.conv1 = torch.nn.Conv2d(" + arch.channels() + ", 64, 3, 1, 1, bias=False); model.maxpool = torch.nn.Identity()"
          : arch.channels() != 3 ? "; model.conv1 = torch.nn.Conv2d(" + arch.channels() + ", 64, 7, 2, 3, bias=False)" : "");
    });
    d.put("trainedBy", provenance);
    return d;
  }

  static String architectureName(Networks.Architecture arch) {
    return arch.backbone().name().toLowerCase(java.util.Locale.ROOT);
  }
}
