package io.rela.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.rela.api.ReLATrainingJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Build step run after CRD generation: the generator sorts printer columns by JSON path, so
 * this puts them back in the order they are declared on {@link ReLATrainingJob} (STAGE,
 * PHASE, EPOCH, ...), which is the order {@code kubectl get} shows.
 */
public final class PrinterColumnOrder {

  private PrinterColumnOrder() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    JsonNode crd = yaml.readTree(file.toFile());
    List<String> order = new ArrayList<>();
    for (AdditionalPrinterColumn c : ReLATrainingJob.class.getAnnotationsByType(AdditionalPrinterColumn.class)) {
      order.add(c.jsonPath());
    }
    for (JsonNode version : crd.path("spec").path("versions")) {
      ArrayNode cols = (ArrayNode) version.get("additionalPrinterColumns");
      if (cols == null) {
        continue;
      }
      List<JsonNode> sorted = new ArrayList<>();
      cols.forEach(sorted::add);
      sorted.sort((a, b) -> Integer.compare(rank(order, a), rank(order, b)));
      cols.removeAll();
      sorted.forEach(cols::add);
    }
    Files.writeString(file, "---\n" + yaml.writeValueAsString(crd));
  }

  private static int rank(List<String> order, JsonNode col) {
    int i = order.indexOf(col.path("jsonPath").asText());
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
