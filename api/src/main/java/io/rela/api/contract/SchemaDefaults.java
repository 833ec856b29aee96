package io.rela.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rela.api.ReLATrainingJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Applies the CRD's OpenAPI defaults to a resource the way the API server does, so a job
 * file run locally ({@code rela-trainer run}) means exactly what it means on a cluster. The
 * defaults live only in the CRD schema generated from the API types.
 */
public final class SchemaDefaults {

  private static final String CRD_RESOURCE = "/META-INF/fabric8/" + ReLATrainingJob.CRD_NAME + "-v1.yml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static volatile JsonNode rootSchema;

  private SchemaDefaults() {}

  /** Fills every absent field that has a schema default into {@code spec}, recursively. */
  public static void applyToSpec(ObjectNode spec) {
    apply(spec, specSchema());
  }

  /** The CRD's openAPIV3Schema of the whole resource (its one version). */
  public static JsonNode schema() {
    if (rootSchema == null) {
      try (InputStream in = SchemaDefaults.class.getResourceAsStream(CRD_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("CRD schema " + CRD_RESOURCE + " is not on the classpath");
        }
        rootSchema = YAML.readTree(in).at("/spec/versions/0/schema/openAPIV3Schema");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rootSchema;
  }

  /** The schema of spec. */
  public static JsonNode specSchema() {
    return schema().path("properties").path("spec");
  }

  private static void apply(JsonNode value, JsonNode schema) {
    if (value == null || schema == null || schema.isMissingNode()) {
      return;
    }
    if (value.isObject()) {
      ObjectNode obj = (ObjectNode) value;
      JsonNode props = schema.get("properties");
      if (props != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> p = it.next();
          JsonNode def = p.getValue().get("default");
          if (!obj.has(p.getKey()) && def != null) {
            obj.set(p.getKey(), def.deepCopy());
          }
          apply(obj.get(p.getKey()), p.getValue());
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      value.forEach(item -> apply(item, schema.get("items")));
    }
  }
}
