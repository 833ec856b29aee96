package io.rela.operator;

import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.rela.api.ReLATrainingJob;

/**
 * The primary informer's cache without the jobs' managed fields. The operator never reads them
 * (its status patch is server-side apply of the status alone), and for a spec with long lists
 * they are another copy of every field's name held for every job, in the operator's heap.
 */
public final class PrimaryStore extends TransformingItemStore<ReLATrainingJob> {

  public PrimaryStore() {
    super(job -> {
      job.getMetadata().setManagedFields(null);
      return job;
    });
  }
}
