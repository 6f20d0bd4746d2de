{{/*
Chart name, overridable with nameOverride (63 characters: a label value's limit).
*/}}
{{- define "gryt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
"<release>-<chart>" prefix of resource names (the release name alone when it already holds
the chart name), overridable with fullnameOverride. 52 characters leave room for the
"-operator"/"-server" suffixes.
*/}}
{{- define "gryt.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The image tag: image.tag, else the chart's appVersion.
*/}}
{{- define "gryt.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/*
The image reference, one for every role.
*/}}
{{- define "gryt.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "gryt.imageTag" .) }}
{{- end }}

{{/*
Labels of every object. Call with (dict "ctx" $ "component" "operator").
*/}}
{{- define "gryt.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gryt.selectorLabels" . }}
app.kubernetes.io/version: {{ include "gryt.imageTag" .ctx | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: gryt
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels a Deployment selects its pods by, and a Service its endpoints by: stable across
upgrades (no version). Call with (dict "ctx" $ "component" "operator").
*/}}
{{- define "gryt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gryt.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "gryt.operator.fullname" -}}
{{- printf "%s-operator" (include "gryt.fullname" .) }}
{{- end }}

{{- define "gryt.server.fullname" -}}
{{- printf "%s-server" (include "gryt.fullname" .) }}
{{- end }}

{{- define "gryt.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "gryt.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- required "operator.serviceAccount.name is required when operator.serviceAccount.create is false" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "gryt.server.serviceAccountName" -}}
{{- if .Values.server.serviceAccount.create }}
{{- default (include "gryt.server.fullname" .) .Values.server.serviceAccount.name }}
{{- else }}
{{- required "server.serviceAccount.name is required when server.serviceAccount.create is false" .Values.server.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret and key holding the server's database URL.
*/}}
{{- define "gryt.server.databaseSecret" -}}
{{- if .Values.server.database.url }}
{{- printf "%s-database" (include "gryt.fullname" .) }}
{{- else }}
{{- required "set server.database.existingSecret (a Secret with the PostgreSQL URL) or server.database.url" .Values.server.database.existingSecret }}
{{- end }}
{{- end }}

{{/*
Environment shared by every gryt container: JVM flags, and GRYT_HOME on the writable /tmp.
*/}}
{{- define "gryt.commonEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.javaToolOptions | quote }}
- name: GRYT_HOME
  value: /tmp/gryt
{{- end }}

{{/*
The writable emptyDir every pod mounts on /tmp (the root filesystem is read-only).
*/}}
{{- define "gryt.tmpVolume" -}}
- name: tmp
  emptyDir:
    {{- if .Values.tmpSizeLimit }}
    sizeLimit: {{ .Values.tmpSizeLimit }}
    {{- else }}
    {}
    {{- end }}
{{- end }}

{{/*
Where the server keeps the gryt resources: postgresql or kubernetes (server.storage).
*/}}
{{- define "gryt.server.storage" -}}
{{- $storage := default "postgresql" .Values.server.storage -}}
{{- if not (has $storage (list "postgresql" "kubernetes")) -}}
{{- fail (printf "server.storage must be postgresql or kubernetes, not %q" $storage) -}}
{{- end -}}
{{- $storage -}}
{{- end }}

{{/*
Whether the server pods get an API token: a Kubernetes store needs one.
*/}}
{{- define "gryt.server.automountToken" -}}
{{- or .Values.server.serviceAccount.automountToken (eq (include "gryt.server.storage" .) "kubernetes") -}}
{{- end }}

{{/*
What a server with storage=kubernetes may do with the gryt resources: read and watch them,
write what apply plans, delete what it prunes, write a run's status.
*/}}
{{- define "gryt.server.storageRules" -}}
- apiGroups: ["gryt.io"]
  resources: ["pipelines", "githubrepos", "jobs", "webhooks", "jobruns"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["gryt.io"]
  resources:
    - pipelines/status
    - githubrepos/status
    - jobs/status
    - webhooks/status
    - jobruns/status
  verbs: ["get", "update"]
{{- end }}

{{- define "gryt.agent.fullname" -}}
{{- printf "%s-agent" (include "gryt.fullname" .) }}
{{- end }}

{{/*
Whether the chart runs standalone agents: agents.enabled, checked against the one thing that
places runs on them, the server's own controller (its dispatcher). With server.storage
kubernetes and the operator enabled the server runs no controller and the operator places runs
as batch Jobs (operator.runs.mode jobs): agents would never get a run, so the chart refuses
both at once rather than guess which wins.
*/}}
{{- define "gryt.agents.enabled" -}}
{{- if .Values.agents.enabled -}}
{{- if not .Values.server.enabled -}}
{{- fail "agents.enabled needs server.enabled: the server's dispatcher places runs on the agents" -}}
{{- end -}}
{{- if not .Values.server.controller -}}
{{- fail "agents.enabled needs server.controller: true: the server's controller places runs on the agents" -}}
{{- end -}}
{{- if and (eq (include "gryt.server.storage" .) "kubernetes") .Values.operator.enabled -}}
{{- fail (printf "agents.enabled and the operator (operator.runs.mode %s) cannot both take runs: with server.storage kubernetes and the operator enabled, the operator places runs as batch Jobs and the server runs no controller; set agents.enabled=false, or operator.enabled=false (the server's controller then places runs on the agents), or server.storage=postgresql" .Values.operator.runs.mode) -}}
{{- end -}}
{{- if not (has .Values.agents.tls.source (list "secret" "cert-manager")) -}}
{{- fail (printf "agents.tls.source must be secret or cert-manager, not %q" .Values.agents.tls.source) -}}
{{- end -}}
true
{{- end -}}
{{- end }}

{{/*
The Secret with the agents' serving certificate (tls.crt, tls.key) and the CA that signs the
server's client certificate (ca.crt), and the Secret with the server's client certificate and
the CA that signs the agents' (same keys): cert-manager's layout either way.
*/}}
{{- define "gryt.agent.tlsSecret" -}}
{{- if eq .Values.agents.tls.source "cert-manager" -}}
{{- printf "%s-tls" (include "gryt.agent.fullname" .) -}}
{{- else -}}
{{- required "agents.tls.existingSecret is required with agents.tls.source=secret" .Values.agents.tls.existingSecret -}}
{{- end -}}
{{- end }}

{{- define "gryt.agent.clientTlsSecret" -}}
{{- if eq .Values.agents.tls.source "cert-manager" -}}
{{- printf "%s-client-tls" (include "gryt.agent.fullname" .) -}}
{{- else -}}
{{- required "agents.tls.existingClientSecret is required with agents.tls.source=secret" .Values.agents.tls.existingClientSecret -}}
{{- end -}}
{{- end }}

{{/*
The URL of each agent pod, by its StatefulSet name under the headless Service.
*/}}
{{- define "gryt.agent.urls" -}}
{{- $name := include "gryt.agent.fullname" . -}}
{{- range $i, $_ := until (int .Values.agents.replicas) }}
- https://{{ $name }}-{{ $i }}.{{ $name }}.{{ $.Release.Namespace }}.svc:{{ $.Values.agents.port }}
{{- end }}
{{- end }}
