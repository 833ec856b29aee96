package io.rela.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.api.status.ReLATrainingJobStatus;
import java.io.IOException;

/**
 * Reads a stored spec or status that the Java types cannot hold (an int64 in an {@code Integer},
 * an enum value this version does not know: written under an older or hand-edited CRD) as a
 * marked object instead of failing. An informer that cannot read one object stops its watch for
 * every namespace; this keeps the damage to that one job, which the operator then refuses with a
 * condition naming the field.
 */
public final class TolerantReader {

  private TolerantReader() {}

  /** "spec.backoffLimit: ..." from where Jackson stopped. */
  static String describe(String root, Exception e) {
    StringBuilder path = new StringBuilder(root);
    String detail = e.getMessage();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append('.').append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      detail = m.getOriginalMessage();
    }
    detail = detail == null ? e.getClass().getSimpleName() : detail.lines().findFirst().orElse("");
    if (detail.length() > 300) {
      detail = detail.substring(0, 300) + "...";
    }
    return path + ": cannot be read by this operator version (" + detail + ")";
  }

  /** Reads a {@code T}; what it cannot read becomes {@link #fallback} instead of an error. */
  abstract static class Tolerant<T> extends StdDeserializer<T> {
    private final Class<T> type;

    Tolerant(Class<T> type) {
      super(type);
      this.type = type;
    }

    abstract T fallback(Exception why);

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonNode tree = ctx.readTree(p);
      try {
        return ctx.readTreeAsValue(tree, type);
      } catch (IOException | IllegalArgumentException e) {
        return fallback(e);
      }
    }
  }

  /** The spec, or an empty one whose {@code unreadable} says why. */
  public static final class Spec extends Tolerant<ReLATrainingJobSpec> {
    public Spec() {
      super(ReLATrainingJobSpec.class);
    }

    @Override
    ReLATrainingJobSpec fallback(Exception why) {
      ReLATrainingJobSpec marked = new ReLATrainingJobSpec();
      marked.unreadable = describe("spec", why);
      return marked;
    }
  }

  /** The status, or an empty one: the operator writes the status anew from what it observes. */
  public static final class Status extends Tolerant<ReLATrainingJobStatus> {
    public Status() {
      super(ReLATrainingJobStatus.class);
    }

    @Override
    ReLATrainingJobStatus fallback(Exception why) {
      return new ReLATrainingJobStatus();
    }
  }
}
