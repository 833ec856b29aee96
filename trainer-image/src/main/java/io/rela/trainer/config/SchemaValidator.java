package io.rela.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.rela.api.contract.SchemaDefaults;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a job against the CRD's own schema, for files that never pass through an API server:
 * the OpenAPI part (types, required fields, enums, bounds, patterns, unknown fields) and the
 * CEL rules ({@code x-kubernetes-validations}, evaluated by {@link CrdRules}), with messages that
 * name the field as the API server does. The CRD is the one source of truth: nothing here
 * restates a rule.
 */
public final class SchemaValidator {

  private SchemaValidator() {}

  /** A whole ReLATrainingJob (the rules on metadata.name included); its spec's defaults applied. */
  public static List<String> validateJob(JsonNode job) {
    List<String> errors = new ArrayList<>();
    // apiVersion, kind and metadata are the API server's own; the CRD's schema covers spec and
    // the rules on the whole object
    validate(job.path("spec"), SchemaDefaults.specSchema(), "spec", errors);
    CrdRules.check(job, SchemaDefaults.schema().path("x-kubernetes-validations"), "", errors);
    return errors;
  }

  /** A spec alone (a rendered config, whose job the API server has already admitted). */
  public static List<String> validateSpec(JsonNode spec) {
    List<String> errors = new ArrayList<>();
    validate(spec, SchemaDefaults.specSchema(), "spec", errors);
    return errors;
  }

  private static void validate(JsonNode v, JsonNode s, String path, List<String> errors) {
    if (s == null || s.isMissingNode() || v == null || v.isNull()) {
      return;
    }
    if (s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !s.has("properties")) {
      return;
    }
    String type = s.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!v.isObject()) {
          errors.add(path + ": must be an object");
          return;
        }
        for (JsonNode r : s.path("required")) {
          if (!v.has(r.asText())) {
            errors.add(child(path, r.asText()) + ": Required value");
          }
        }
        if (s.has("maxProperties") && v.size() > s.get("maxProperties").asInt()) {
          errors.add(path + ": Too many: " + v.size() + ": must have at most " + s.get("maxProperties").asInt() + " items");
        }
        JsonNode props = s.get("properties");
        JsonNode additional = s.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          String child = child(path, f.getKey());
          if (props != null && props.has(f.getKey())) {
            validate(f.getValue(), props.get(f.getKey()), child, errors);
          } else if (additional != null) {
            validate(f.getValue(), additional, child, errors);
          } else if (props != null) {
            errors.add(child + ": unknown field");
          }
        }
        CrdRules.check(v, s.path("x-kubernetes-validations"), path, errors);
      }
      case "array" -> {
        if (!v.isArray()) {
          errors.add(path + ": must be a list");
          return;
        }
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
          errors.add(path + ": Too many: " + v.size() + ": must have at most " + s.get("maxItems").asInt() + " items");
          return;
        }
        for (int i = 0; i < v.size(); i++) {
          validate(v.get(i), s.get("items"), path + "[" + i + "]", errors);
        }
      }
      case "integer", "number" -> {
        if (!v.isNumber() || ("integer".equals(type) && !v.canConvertToLong())) {
          errors.add(path + ": must be " + ("integer".equals(type) ? "an integer" : "a number") + ", got " + v);
          return;
        }
        double x = v.asDouble();
        if (s.has("minimum")) {
          double min = s.get("minimum").asDouble();
          boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
          if (exclusive ? x <= min : x < min) {
            errors.add(path + ": Invalid value: " + v + ": should be " + (exclusive ? "greater than " : "greater than or equal to ") + fmt(min));
          }
        }
        if (s.has("maximum")) {
          double max = s.get("maximum").asDouble();
          boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
          if (exclusive ? x >= max : x > max) {
            errors.add(path + ": Invalid value: " + v + ": should be " + (exclusive ? "less than " : "less than or equal to ") + fmt(max));
          }
        }
      }
      case "string" -> {
        if (!v.isTextual()) {
          errors.add(path + ": must be a string, got " + v);
          return;
        }
        if (s.has("maxLength") && v.asText().codePointCount(0, v.asText().length()) > s.get("maxLength").asInt()) {
          errors.add(path + ": Too long: may not be more than " + s.get("maxLength").asInt() + " bytes");
          return;
        }
        if (s.has("enum")) {
          List<String> allowed = new ArrayList<>();
          s.get("enum").forEach(e -> allowed.add(e.asText()));
          if (!allowed.contains(v.asText())) {
            errors.add(path + ": Unsupported value: \"" + v.asText() + "\": supported values: " + String.join(", ", allowed));
          }
        }
        if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(v.asText()).find()) {
          errors.add(path + ": Invalid value: \"" + v.asText() + "\": should match '" + s.get("pattern").asText() + "'");
        }
      }
      case "boolean" -> {
        if (!v.isBoolean()) {
          errors.add(path + ": must be true or false, got " + v);
        }
      }
      default -> { }
    }
  }

  private static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
