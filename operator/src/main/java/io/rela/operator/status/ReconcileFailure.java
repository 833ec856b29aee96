package io.rela.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What a reconciliation that threw tells a person: the `ReconcileError` condition's reason
 * (from the API server's answer) and a message naming the cause and what to check.
 */
public record ReconcileFailure(String reason, String message) {

  public static ReconcileFailure of(Exception e) {
    Throwable cause = e;
    while (!(cause instanceof KubernetesClientException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String detail = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
    if (detail.length() > 600) {
      detail = detail.substring(0, 600) + "...";
    }
    if (cause instanceof KubernetesClientException k) {
      return switch (k.getCode()) {
        case 403 -> new ReconcileFailure("Forbidden", "The API server refused the operator: " + detail
            + ". Its ServiceAccount lacks a permission the chart's RBAC should grant: check the installed ClusterRole/Role.");
        case 409 -> new ReconcileFailure("Conflict", "Another writer changed an object the operator was updating: " + detail
            + ". The operator retries.");
        case 422, 400 -> new ReconcileFailure("Invalid", "The API server refused an object the operator derived from this job: "
            + detail + ". Fix the spec field it names.");
        case 0, 500, 502, 503, 504 -> new ReconcileFailure("APIServerUnavailable", "The API server did not answer: " + detail
            + ". The operator retries with backoff.");
        default -> new ReconcileFailure("APIError", "The API server answered " + k.getCode() + ": " + detail + ". The operator retries.");
      };
    }
    return new ReconcileFailure("InternalError", "Reconciling failed with " + e.getClass().getSimpleName() + ": " + detail
        + ". The operator retries with backoff; its log has the stack trace.");
  }
}
