{{- define "rela-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rela-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rela-operator.labels" -}}
app.kubernetes.io/name: {{ include "rela-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "rela-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rela-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The permissions the operator needs, shared by the ClusterRole and the per-namespace Roles. */}}
{{- define "rela-operator.rules" -}}
# the jobs themselves are only read: no finalizer, and a retry is asked by annotation and
# recorded in the status
- apiGroups: ["rela.io"]
  resources: ["relatrainingjobs"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["rela.io"]
  resources: ["relatrainingjobs/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  # delete: a retried stage (annotation rela.io/retry) replaces its failed Job
  verbs: ["get", "list", "watch", "create", "patch", "update", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  # list and watch: only claims labelled rela.io/trainer-access are cached (opened to jobs)
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["secrets"]
  # get only, by name: whether a Secret a job names is labelled rela.io/trainer-access=credentials
  # (never list or watch; the operator never copies a Secret's data anywhere)
  verbs: ["get"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["events"]
  # read: the Job controller's FailedCreate events (quota, Pod Security) become a condition
  verbs: ["get", "list", "watch", "create", "patch"]
{{- end -}}

{{/* Trainer image repositories a job may name: the chart's own trainer repository plus the admins' list. */}}
{{- define "rela-operator.allowedTrainerRepositories" -}}
{{- $own := regexReplaceAll "(@.*|:[^/:]*)$" .Values.trainer.image "" -}}
{{- $all := prepend .Values.imagePolicy.allowedRepositories $own | uniq -}}
{{- printf "[%s]" (include "rela-operator.celStrings" $all) -}}
{{- end -}}

{{- define "rela-operator.celStrings" -}}
{{- $out := list -}}
{{- range . -}}{{- $out = append $out (printf "'%s'" .) -}}{{- end -}}
{{- join ", " $out -}}
{{- end -}}
