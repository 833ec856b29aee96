package io.rela.api.crd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.api.status.ReLATrainingJobStatus;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Build step run after CRD generation: gives every integer, string, list and map of the schema
 * a bound, walking the schema beside the Java types the operator reads it into.
 *
 * <p>Why: the API server stores any int64 in an {@code integer} field, but the operator reads a
 * field declared {@code Integer} (ours or one of an embedded Kubernetes type, such as an
 * affinity weight) as a 32-bit value, and one object it cannot read stops its informer for every
 * namespace. So an {@code Integer} field gets the bounds of a Java int, and an unbounded string,
 * list or map (the generator leaves them so) gets a default bound, which also keeps the CEL
 * rules' estimated cost low. Bounds written on a field ({@code @Max}, {@code @Size}) are kept.
 */
public final class SchemaBounds {

  /** Default bounds of the spec: what a person writes. */
  public static final int SPEC_STRING = 1024;
  public static final int SPEC_ITEMS = 64;
  public static final int SPEC_PROPERTIES = 64;
  /** Default bounds of the status: what the operator writes (it caps its messages well below). */
  public static final int STATUS_STRING = 32768;
  public static final int STATUS_ITEMS = 64;

  private final int maxString;
  private final int maxItems;
  private final int maxProperties;

  private SchemaBounds(int maxString, int maxItems, int maxProperties) {
    this.maxString = maxString;
    this.maxItems = maxItems;
    this.maxProperties = maxProperties;
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    JsonNode crd = yaml.readTree(file.toFile());
    apply(crd);
    Files.writeString(file, "---\n" + yaml.writeValueAsString(crd));
  }

  /** Bounds every version's spec and status schema in place. */
  public static void apply(JsonNode crd) {
    for (JsonNode version : crd.path("spec").path("versions")) {
      JsonNode props = version.path("schema").path("openAPIV3Schema").path("properties");
      if (props.get("spec") instanceof ObjectNode spec) {
        new SchemaBounds(SPEC_STRING, SPEC_ITEMS, SPEC_PROPERTIES).bound(spec, ReLATrainingJobSpec.class);
      }
      if (props.get("status") instanceof ObjectNode status) {
        new SchemaBounds(STATUS_STRING, STATUS_ITEMS, SPEC_PROPERTIES).bound(status, ReLATrainingJobStatus.class);
      }
    }
  }

  private void bound(ObjectNode s, Type type) {
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      // a Quantity or IntOrString: read as a string by the Java model, any length is a string
      return;
    }
    Class<?> raw = raw(type);
    switch (s.path("type").asText("")) {
      case "integer" -> {
        if (raw != Long.class && raw != long.class) {
          // anything the model does not read as a long is read as an int (Integer, int, Object)
          tighten(s, "maximum", Integer.MAX_VALUE, true);
          tighten(s, "minimum", Integer.MIN_VALUE, false);
        }
      }
      case "string" -> {
        if (!s.has("enum") && !s.has("maxLength")) {
          s.put("maxLength", maxString);
        }
      }
      case "array" -> {
        if (!s.has("maxItems")) {
          s.put("maxItems", maxItems);
        }
        if (s.get("items") instanceof ObjectNode items) {
          bound(items, typeArgument(type, Collection.class, 0));
        }
      }
      case "object" -> {
        if (s.get("properties") instanceof ObjectNode props) {
          for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (p.getValue() instanceof ObjectNode child) {
              bound(child, fieldType(raw, p.getKey()));
            }
          }
        }
        if (s.get("additionalProperties") instanceof ObjectNode values) {
          if (!s.has("maxProperties")) {
            s.put("maxProperties", maxProperties);
          }
          bound(values, typeArgument(type, Map.class, 1));
        }
      }
      default -> { }
    }
  }

  private static void tighten(ObjectNode s, String key, long limit, boolean upper) {
    if (!s.has(key) || (upper ? s.get(key).asDouble() > limit : s.get(key).asDouble() < limit)) {
      s.put(key, limit);
    }
  }

  /** The declared type of the field that JSON property {@code name} of {@code owner} binds to. */
  static Type fieldType(Class<?> owner, String name) {
    for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        JsonProperty jp = f.getAnnotation(JsonProperty.class);
        String json = jp != null && !jp.value().isEmpty() ? jp.value() : f.getName();
        if (json.equals(name)) {
          return f.getGenericType();
        }
      }
    }
    return Object.class;
  }

  private static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }

  /** The {@code index}th type argument of a {@code List<T>} or {@code Map<K, V>}; Object when unknown. */
  private static Type typeArgument(Type t, Class<?> of, int index) {
    if (t instanceof ParameterizedType p && of.isAssignableFrom(raw(p))) {
      Type[] args = p.getActualTypeArguments();
      return index < args.length ? args[index] : Object.class;
    }
    return Object.class;
  }
}
