package io.rela.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRD's CEL rules ({@code x-kubernetes-validations}), evaluated with Google's CEL for Java as
 * the API server evaluates them with cel-go: {@code self} is the object the rule sits on, as
 * plain JSON values (objects as maps without their absent fields, integers as int, numbers as
 * double). A false rule adds {@code <path><fieldPath>: Invalid value: "object": <message>} (no
 * field for a rule on the whole object).
 */
final class CrdRules {

  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private CrdRules() {}

  /** Evaluates every rule of {@code rules} on {@code self} found at {@code path}. */
  static void check(JsonNode self, JsonNode rules, String path, List<String> errors) {
    if (!rules.isArray() || rules.isEmpty()) {
      return;
    }
    Object value = toCel(self);
    for (JsonNode r : rules) {
      String rule = r.path("rule").asText();
      Object verdict;
      try {
        verdict = program(rule).eval(Map.of("self", value));
      } catch (CelEvaluationException e) {
        // the API server reports a rule it cannot evaluate as a refusal too
        errors.add((path.isEmpty() ? "" : path + ": ") + "Invalid value: \"object\": rule " + rule + " could not be evaluated: "
            + e.getMessage());
        continue;
      }
      if (!Boolean.TRUE.equals(verdict)) {
        String message = r.has("message") ? r.get("message").asText() : "failed rule: " + rule;
        String field = path + r.path("fieldPath").asText("");
        errors.add((field.isEmpty() ? "" : field + ": ") + "Invalid value: \"object\": " + message);
      }
    }
  }

  private static CelRuntime.Program program(String rule) {
    return PROGRAMS.computeIfAbsent(rule, k -> {
      try {
        CelAbstractSyntaxTree ast = COMPILER.compile(k).getAst();
        return RUNTIME.createProgram(ast);
      } catch (CelValidationException | CelEvaluationException e) {
        // the CRD is built with the trainer; a rule that does not compile is a build defect
        throw new IllegalStateException("the CRD's CEL rule does not compile: " + k + ": " + e.getMessage(), e);
      }
    });
  }

  /** JSON as CEL sees it in Kubernetes: maps, lists, strings, int, double, bool; nulls are absent. */
  static Object toCel(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getValue().isNull()) {
          m.put(f.getKey(), toCel(f.getValue()));
        }
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(toCel(e)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }
}
