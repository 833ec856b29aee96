package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.spec.ReLATrainingJobSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the informer caches keep of an object. */
class CacheStoresTest {

  private static final List<io.fabric8.kubernetes.api.model.ManagedFieldsEntry> MANAGED =
      List.of(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build());

  @Test
  void thePrimaryCacheDropsManagedFieldsAndKeepsTheSpec() {
    ReLATrainingJob job = new ReLATrainingJob();
    job.getMetadata().setName("a");
    job.getMetadata().setNamespace("t");
    job.getMetadata().setManagedFields(MANAGED);
    job.setSpec(new ReLATrainingJobSpec());
    PrimaryStore store = new PrimaryStore();
    store.put(store.getKey(job), job);
    ReLATrainingJob cached = store.get(store.getKey(job));
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec()).isNotNull();
    assertThat(cached.getMetadata().getName()).isEqualTo("a");
  }

  @Test
  void ownedObjectsAreCachedWithoutManagedFieldsAndOthersNotAtAll() {
    OwnedOnlyStore<ConfigMap> store = new OwnedOnlyStore<>(ReLATrainingJob.GROUP, "ReLATrainingJob", cm -> false, cm -> cm);
    ConfigMap owned = new ConfigMapBuilder().withNewMetadata().withName("a-config").withNamespace("t")
        .withManagedFields(MANAGED).addNewOwnerReference().withApiVersion(ReLATrainingJob.GROUP + "/v1alpha1")
        .withKind("ReLATrainingJob").withName("a").withUid("u").withController(true).endOwnerReference().endMetadata().build();
    ConfigMap foreign = new ConfigMapBuilder().withNewMetadata().withName("b").withNamespace("t").endMetadata().build();
    store.put("t/a-config", owned);
    store.put("t/b", foreign);
    assertThat(store.get("t/a-config").getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(store.get("t/b")).isNull();
  }
}
