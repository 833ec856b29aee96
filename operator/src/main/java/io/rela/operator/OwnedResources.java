package io.rela.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.TrainerConfig;
import io.rela.operator.resources.Labels;
import io.rela.operator.resources.ProgressConfigMap;
import io.rela.operator.resources.ProgressRole;
import io.rela.operator.resources.ProgressRoleBinding;
import io.rela.operator.resources.TrainerConfigMap;
import io.rela.operator.resources.TrainerServiceAccount;
import io.rela.operator.resources.WorkspaceClaim;
import java.net.HttpURLConnection;

/**
 * Creates a job's supporting objects. Every name is deterministic and creation tolerates
 * "already exists", so a restarted operator or a stale cache never makes a second copy.
 */
final class OwnedResources {

  private final KubernetesClient client;

  OwnedResources(KubernetesClient client) {
    this.client = client;
  }

  /**
   * ServiceAccount, Role, RoleBinding, workspace claim, progress ConfigMap and the trainer
   * config. Once training has started ({@code frozen}) the config is never rewritten: a refused
   * spec change must not reach the train or eval pods.
   */
  void ensure(ReLATrainingJob job, TrainerConfig config, String specHash, ConfigMap existingConfig, boolean frozen) {
    createOwned(job, TrainerServiceAccount.desired(job));
    createOwned(job, ProgressRole.desired(job));
    createOwned(job, ProgressRoleBinding.desired(job));
    if (WorkspaceClaim.retained(job)) {
      // a retained claim outlives its job and is taken up again by a job of the same name
      createIfAbsent(WorkspaceClaim.desired(job));
    } else if (WorkspaceClaim.owned(job)) {
      createOwned(job, WorkspaceClaim.desired(job));
    }
    createOwned(job, ProgressConfigMap.desired(job));
    ConfigMap desired = TrainerConfigMap.desired(job, config, specHash);
    if (existingConfig == null) {
      createOwned(job, desired);
    } else if (!frozen && !java.util.Objects.equals(annotation(desired, TrainerConfigMap.CONFIG_HASH),
        annotation(existingConfig, TrainerConfigMap.CONFIG_HASH))) {
      client.configMaps().inNamespace(job.getMetadata().getNamespace()).resource(desired).update();
    }
  }

  private static String annotation(HasMetadata o, String key) {
    return o.getMetadata().getAnnotations() == null ? null : o.getMetadata().getAnnotations().get(key);
  }

  /**
   * Creates an object of {@code job}'s; null when it already exists and is the job's own. One
   * with the same name that the job does not control is never adopted: {@link NameConflictException}.
   */
  <T extends HasMetadata> T createOwned(ReLATrainingJob job, T resource) {
    try {
      return client.resource(resource).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      HasMetadata existing = client.resource(resource).get();
      if (existing != null && !Labels.controlledBy(existing, job)) {
        throw new NameConflictException(existing.getKind(), existing.getMetadata().getName());
      }
      return null;
    }
  }


  /** An object has one of the job's derived names but belongs to something else. */
  static final class NameConflictException extends RuntimeException {
    final String kind;
    final String name;

    NameConflictException(String kind, String name) {
      super(kind + " " + name + " already exists and is not controlled by this job");
      this.kind = kind;
      this.name = name;
    }
  }

  /** Creates {@code resource}; the created object, or null when it already existed. */
  <T extends HasMetadata> T createIfAbsent(T resource) {
    try {
      return client.resource(resource).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return null;
      }
      throw e;
    }
  }
}
