package io.rela.testinfra;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Specs the CRD must refuse, each with the field the refusal names, and specs next to them it
 * must accept: one catalogue that the API server and the trainer's own validation are both held
 * to, so a rule cannot hold on one side only.
 */
public final class SpecCatalogue {

  /** A job named {@code name} whose spec part {@code spec} (YAML at spec level) must be refused naming {@code field}. */
  public record Refused(String name, String spec, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A job that must be accepted. */
  public record Accepted(String name, String spec) {
    @Override
    public String toString() {
      return name;
    }
  }

  private SpecCatalogue() {}

  public static List<Refused> refused() {
    return List.of(
        new Refused("ratio-zero", "rela:\n    dataRatio: 0", "spec.rela.dataRatio"),
        new Refused("ratio-above-one", "rela:\n    dataRatio: 1.5", "spec.rela.dataRatio"),
        new Refused("zero-epochs", "training:\n    epochs: 0", "spec.training.epochs"),
        new Refused("unknown-backbone", "model:\n    backbone: vgg16", "spec.model.backbone"),
        new Refused("constant-without-fraction", "rela:\n    schedule: Constant", "spec.rela.constantFraction"),
        new Refused("fraction-without-constant", "rela:\n    constantFraction: 0.3", "spec.rela.constantFraction"),
        new Refused("fast-window-alone", "rela:\n    fastWindowEpochs: 0.5", "spec.rela.fastWindowEpochs"),
        new Refused("windows-with-constant", "rela:\n    schedule: Constant\n    constantFraction: 0.5\n    fastWindowEpochs: 1\n"
            + "    slowWindowEpochs: 0.1", "spec.rela.fastWindowEpochs"),
        new Refused("zero-slow-window", "rela:\n    fastWindowEpochs: 1\n    slowWindowEpochs: 0", "spec.rela.slowWindowEpochs"),
        new Refused("torchscript-without-uri", "prior:\n    type: TorchScript", "spec.prior.uri"),
        new Refused("torchscript-blank-uri", "prior:\n    type: TorchScript\n    uri: ' '", "spec.prior.uri"),
        new Refused("job-prior-without-ref", "prior:\n    type: Job", "spec.prior.jobRef"),
        new Refused("shards-without-cache", "prior:\n    shards: 4", "spec.prior.cacheClaimName"),
        new Refused("negative-pull-grace", "imagePullGracePeriodSeconds: -1", "spec.imagePullGracePeriodSeconds"),
        new Refused("jobref-with-random", "prior:\n    type: Random\n    jobRef:\n      name: other", "spec.prior.jobRef"),
        new Refused("bad-memory", "resources:\n    memory: lots", "spec.resources.memory"),
        new Refused("hostpath-dataset", "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: d\n"
            + "      hostPath:\n        path: /etc", "spec.dataset.volume"),
        new Refused("claim-with-hostpath-dataset", "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: d\n"
            + "      persistentVolumeClaim:\n        claimName: c\n      hostPath:\n        path: /etc", "spec.dataset.volume"),
        new Refused("secret-dataset", "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: d\n      secret:\n"
            + "        secretName: s", "spec.dataset.volume"),
        new Refused("csi-secret-dataset", "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: d\n      csi:\n"
            + "        driver: x\n        nodePublishSecretRef:\n          name: s", "spec.dataset.volume"),
        new Refused("a-name-of-fifty-eight-characters-is-one-too-long-for-jobsx", "rela:\n    dataRatio: 0.5",
            "at most 57 characters"),
        // every integer the Java model reads as an int is bounded as one: the operator never meets a value it cannot read
        new Refused("backoff-past-int", "backoffLimit: 2147483648", "spec.backoffLimit"),
        new Refused("ttl-past-int", "ttlSecondsAfterFinished: 2147483648", "spec.ttlSecondsAfterFinished"),
        new Refused("checkpoint-past-int", "training:\n    checkpointEveryEpochs: 4294967296", "spec.training.checkpointEveryEpochs"),
        new Refused("target-dim-past-int", "rela:\n    targetDim: 2147483648", "spec.rela.targetDim"),
        new Refused("affinity-weight-past-int", "affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n"
            + "      - weight: 2147483648\n        preference:\n          matchExpressions:\n          - {key: a, operator: Exists}",
            "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"),
        // and every string, list and map has a bound
        new Refused("long-image", "image: " + "a".repeat(1100), "spec.image"),
        new Refused("many-tolerations", "tolerations:\n" + "  - {key: k, operator: Exists}\n".repeat(65).stripTrailing(),
            "spec.tolerations"),
        new Refused("many-selectors", "nodeSelector:\n" + IntStream.range(0, 65).mapToObj(i -> "    k" + i + ": v")
            .collect(Collectors.joining("\n")), "spec.nodeSelector"),
        new Refused("cloned-dataset", "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: d\n      ephemeral:\n"
            + "        volumeClaimTemplate:\n          spec:\n            accessModes: [ReadOnlyMany]\n"
            + "            resources: {requests: {storage: 1Gi}}\n"
            + "            dataSource: {kind: PersistentVolumeClaim, name: someone-elses}", "spec.dataset.volume"),
        new Refused("queue-without-name", "queue:\n    priorityClass: high", "spec.queue.name"),
        new Refused("queue-not-a-label", "queue:\n    name: Team_A", "spec.queue.name"),
        new Refused("bad-prior-digest", "prior:\n    type: TorchScript\n    uri: /data/p.pt\n    sha256: abc", "spec.prior.sha256"));
  }

  /** Each rule's other side: what it must let through. */
  public static List<Accepted> accepted() {
    return List.of(
        new Accepted("constant-with-fraction", "rela:\n    schedule: Constant\n    constantFraction: 0.5"),
        new Accepted("adaptive-windows", "rela:\n    schedule: Adaptive\n    fastWindowEpochs: 1\n    slowWindowEpochs: 0.1"),
        new Accepted("job-prior-with-ref", "prior:\n    type: Job\n    jobRef:\n      name: other"),
        new Accepted("torchscript-with-uri", "prior:\n    type: TorchScript\n    uri: /data/p.pt"),
        new Accepted("shards-with-cache", "prior:\n    shards: 4\n    cacheClaimName: cache"),
        new Accepted("claim-dataset", "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: d\n"
            + "      persistentVolumeClaim:\n        claimName: c"),
        new Accepted("a-name-of-fifty-seven-characters-is-the-longest-for-jobs", "rela:\n    dataRatio: 0.5"));
  }

  /** The job's manifest: a FashionMNIST dataset unless the spec part sets one. */
  public static String job(String name, String spec) {
    return """
        apiVersion: rela.io/v1alpha1
        kind: ReLATrainingJob
        metadata:
          name: %s
        spec:
          %s
        """.formatted(name, (spec.startsWith("dataset:") ? spec
            : "dataset:\n    format: FashionMNIST\n    path: /data\n" + spec).replace("\n", "\n  "));
  }
}
