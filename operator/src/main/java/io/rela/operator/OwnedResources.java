package io.rela.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.TrainerConfig;
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

  /** ServiceAccount, Role, RoleBinding, workspace claim, progress ConfigMap and the trainer config. */
  void ensure(ReLATrainingJob job, TrainerConfig config, ConfigMap existingConfig) {
    createIfAbsent(TrainerServiceAccount.desired(job));
    createIfAbsent(ProgressRole.desired(job));
    createIfAbsent(ProgressRoleBinding.desired(job));
    if (WorkspaceClaim.owned(job)) {
      createIfAbsent(WorkspaceClaim.desired(job));
    }
    createIfAbsent(ProgressConfigMap.desired(job));
    ConfigMap desired = TrainerConfigMap.desired(job, config);
    if (existingConfig == null) {
      createIfAbsent(desired);
    } else if (!desired.getData().equals(existingConfig.getData())) {
      client.configMaps().inNamespace(job.getMetadata().getNamespace()).resource(desired).update();
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
