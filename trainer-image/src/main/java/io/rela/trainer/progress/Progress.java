package io.rela.trainer.progress;

import io.rela.api.contract.ProgressReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Fans reports out to every sink; the one object the stages report through. */
public final class Progress implements AutoCloseable {

  private final List<ProgressSink> sinks = new ArrayList<>();
  private final List<Annotator> annotators = new ArrayList<>();
  private ProgressReport last = new ProgressReport();

  /** Something whose own state every report carries (the experiment tracker's run and health). */
  public interface Annotator {
    void annotate(ProgressReport report);
  }

  public Progress add(ProgressSink sink) {
    sinks.add(sink);
    if (sink instanceof Annotator a) {
      annotators.add(a);
    }
    return this;
  }

  /** The latest report, which later reports start from (as a report of its own, not an epoch end). */
  public ProgressReport current() {
    ProgressReport r = last.copy();
    r.epochEnd = null;
    return r;
  }

  public void report(ProgressReport r) {
    r.updatedAt = Instant.now().toString();
    for (Annotator a : annotators) {
      a.annotate(r);
    }
    last = r;
    for (ProgressSink s : sinks) {
      s.report(r.copy());
    }
  }

  /** Closes every sink; the first failure (results that could not be written) is rethrown after. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (ProgressSink s : sinks) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
