package io.rela.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.Predicate;

/**
 * An informer cache that keeps only what the operator made: objects whose controller owner
 * reference is of the kind it makes them for (a ReLATrainingJob for Jobs and ConfigMaps, a Job
 * for pods), plus the exceptions a caller names. A label selector alone would cache whatever a
 * tenant labels so, in every namespace; this bounds the cache by what is really the jobs'.
 */
final class OwnedOnlyStore<T extends HasMetadata> extends BasicItemStore<T> {

  private final String ownerApiGroup;
  private final String ownerKind;
  private final Predicate<T> alsoKeep;
  private final java.util.function.UnaryOperator<T> slim;

  /** {@code slim} drops what the operator never reads from the cache (it reads the server when it edits). */
  OwnedOnlyStore(String ownerApiGroup, String ownerKind, Predicate<T> alsoKeep, java.util.function.UnaryOperator<T> slim) {
    super(Cache::metaNamespaceKeyFunc);
    this.ownerApiGroup = ownerApiGroup;
    this.ownerKind = ownerKind;
    this.alsoKeep = alsoKeep;
    this.slim = slim;
  }

  /** Pod specs as the operator reads them: containers (resources, names), not placement or volumes. */
  static io.fabric8.kubernetes.api.model.PodSpec slimPodSpec(io.fabric8.kubernetes.api.model.PodSpec spec) {
    if (spec != null) {
      spec.setAffinity(null);
      spec.setTolerations(null);
      spec.setNodeSelector(null);
      spec.setVolumes(null);
    }
    return spec;
  }

  @Override
  public T put(String key, T obj) {
    if (!keeps(obj)) {
      // not one of ours (any more): forget it rather than hold it
      return remove(key);
    }
    // managed fields are never read by the operator: held for every object, they would double
    // the cache of a Job whose pod template has long lists
    obj.getMetadata().setManagedFields(null);
    return super.put(key, slim.apply(obj));
  }

  boolean keeps(T obj) {
    if (alsoKeep.test(obj)) {
      return true;
    }
    var refs = obj.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController()) && ownerKind.equals(r.getKind()) && r.getApiVersion() != null
          && r.getApiVersion().startsWith(ownerApiGroup + "/")) {
        return true;
      }
    }
    return false;
  }
}
