{{/* The release's full name, at most 63 characters. */}}
{{- define "kupervisor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kupervisor.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kupervisor.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kupervisor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kupervisor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The rules the operator needs on the namespaces it watches, verb by verb, and nothing more
(e2e RbacE2ETest runs the operator with exactly these under a ServiceAccount token):
programs are listed and watched (the informer), patched only to take out the finalizer of
earlier versions; their status is patched; pods are listed, watched, created and deleted (the
informer's cache answers every read); events are created and patched (counts of a series);
PodDisruptionBudgets of programs that ask for one are read, created, patched and deleted.
*/}}
{{- define "kupervisor.watchRules" -}}
- apiGroups: ["kupervisor.io"]
  resources: ["supervisedprograms"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["kupervisor.io"]
  resources: ["supervisedprograms/status"]
  verbs: ["patch"]
# owner references with blockOwnerDeletion on the process pods (OwnerReferencesPermissionEnforcement)
- apiGroups: ["kupervisor.io"]
  resources: ["supervisedprograms/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "create", "patch", "delete"]
{{- end -}}

{{/*
The operator's management port (health and /q/metrics): the chart sets it (QUARKUS_MANAGEMENT_PORT),
and the container port, the probes, the metrics Service and the scrape annotation all follow it.
*/}}
{{- define "kupervisor.managementPort" -}}
9000
{{- end -}}
