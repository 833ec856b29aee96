package io.rela.trainer.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rela.api.contract.SchemaDefaults;
import io.rela.api.contract.TrainerConfig;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.trainer.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the two files the trainer is given: a ReLATrainingJob YAML or a rendered TrainerConfig. */
public final class JobFiles {

  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private JobFiles() {}

  /** A job as a user writes it: defaults applied, and the CRD's bounds and rules checked as the API server would. */
  public static JobSettings readJob(Path file) {
    JsonNode root = readTree(file);
    if (!"ReLATrainingJob".equals(root.path("kind").asText())) {
      throw new BadInputException(file + ": kind must be ReLATrainingJob, found '" + root.path("kind").asText() + "'");
    }
    String name = root.path("metadata").path("name").asText("relajob");
    JsonNode spec = root.get("spec");
    if (spec == null || !spec.isObject()) {
      throw new BadInputException(file + ": spec is missing");
    }
    SchemaDefaults.applyToSpec((ObjectNode) spec);
    // a local file may leave the name out (it runs as "relajob"); the rules on it see that name
    if (!root.path("metadata").isObject()) {
      ((ObjectNode) root).putObject("metadata");
    }
    ((ObjectNode) root.get("metadata")).put("name", name);
    List<String> errors = SchemaValidator.validateJob(root);
    if (!errors.isEmpty()) {
      throw new BadInputException(file + ": " + String.join("; ", errors));
    }
    try {
      JsonNode uid = root.path("metadata").get("uid");
      return JobSettings.from(name, uid == null || !uid.isTextual() ? null : uid.asText(),
          YAML.treeToValue(spec, ReLATrainingJobSpec.class));
    } catch (IOException e) {
      throw new BadInputException(file + ": " + e.getMessage(), e);
    }
  }

  /** The config the operator renders; its spec already carries the server's defaults. */
  public static TrainerConfig readConfig(Path file) {
    JsonNode root = readTree(file);
    try {
      TrainerConfig cfg = YAML.treeToValue(root, TrainerConfig.class);
      if (cfg.spec == null) {
        throw new BadInputException(file + ": spec is missing");
      }
      ObjectNode spec = YAML.valueToTree(cfg.spec);
      SchemaDefaults.applyToSpec(spec);
      List<String> errors = SchemaValidator.validateSpec(spec);
      if (!errors.isEmpty()) {
        throw new BadInputException(file + ": " + String.join("; ", errors));
      }
      cfg.spec = YAML.treeToValue(spec, ReLATrainingJobSpec.class);
      return cfg;
    } catch (IOException e) {
      throw new BadInputException(file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readTree(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such file");
    }
    try {
      JsonNode n = YAML.readTree(file.toFile());
      if (n == null || !n.isObject()) {
        throw new BadInputException(file + ": not a YAML mapping");
      }
      return n;
    } catch (IOException e) {
      throw new BadInputException(file + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
    }
  }
}
