{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "teleport-plugin-event-handler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, with the chart name appended unless it already has it. */}}
{{- define "teleport-plugin-event-handler.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "teleport-plugin-event-handler.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "teleport-plugin-event-handler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "teleport-plugin-event-handler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "teleport-plugin-event-handler.labels" -}}
helm.sh/chart: {{ include "teleport-plugin-event-handler.chart" . }}
{{ include "teleport-plugin-event-handler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "teleport-plugin-event-handler.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "teleport-plugin-event-handler.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "teleport-plugin-event-handler.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/* The image's working directory; relative storage paths are taken from it. */}}
{{- define "teleport-plugin-event-handler.workingDir" -}}
/opt/teleport-plugin
{{- end }}

{{/*
The absolute state directory: eventHandler.storagePath, resolved against the working directory
when relative (the guide's values file uses "./storage"). The state volume is mounted here.
*/}}
{{- define "teleport-plugin-event-handler.storageDir" -}}
{{- $path := required "eventHandler.storagePath is required: the directory that keeps the export state" .Values.eventHandler.storagePath | toString }}
{{- if not (isAbs $path) }}
{{- $path = printf "%s/%s" (include "teleport-plugin-event-handler.workingDir" .) $path }}
{{- end }}
{{- $path = clean $path }}
{{- $taken := list "/tmp" (include "teleport-plugin-event-handler.configDir" .) "/run/teleport-event-handler" }}
{{- $clash := has $path (list "/" "/etc" "/opt" "/run" "/var" "/var/run" "/usr" "/home") }}
{{- range $taken }}
{{- if or (eq $path .) (hasPrefix (printf "%s/" .) $path) }}{{ $clash = true }}{{ end }}
{{- end }}
{{- if $clash }}
{{- fail (printf "eventHandler.storagePath %q resolves to %s, which cannot hold the state volume; use a directory of its own such as /var/lib/teleport/plugins/event-handler/storage" .Values.eventHandler.storagePath $path) }}
{{- end }}
{{- $path }}
{{- end }}

{{/* Where the secrets and the configuration are mounted in the container. */}}
{{- define "teleport-plugin-event-handler.configDir" -}}
/etc/teleport-event-handler
{{- end }}
{{- define "teleport-plugin-event-handler.identityDir" -}}
/run/teleport-event-handler/teleport
{{- end }}
{{- define "teleport-plugin-event-handler.fluentdTlsDir" -}}
/run/teleport-event-handler/fluentd
{{- end }}

{{/*
The Teleport address: teleport.address, or with tbot on and teleport.address empty, the address
the bot joins (as the Go chart does).
*/}}
{{- define "teleport-plugin-event-handler.teleportAddress" -}}
{{- if .Values.teleport.address }}
{{- .Values.teleport.address }}
{{- else if .Values.tbot.enabled }}
{{- .Values.tbot.teleportProxyAddress | default .Values.tbot.teleportAuthAddress }}
{{- end }}
{{- end }}

{{/* The identity file's name in the identity directory: tbot's identity output writes "identity". */}}
{{- define "teleport-plugin-event-handler.identityFile" -}}
{{- if .Values.tbot.enabled }}identity{{ else }}{{ .Values.teleport.identitySecretPath }}{{ end }}
{{- end }}

{{/* tbot's diagnostics port (/livez, /readyz) inside the pod. */}}
{{- define "teleport-plugin-event-handler.tbotDiagPort" -}}
3001
{{- end }}

{{/* A list value (or a comma-separated string) as one comma-separated string. */}}
{{- define "teleport-plugin-event-handler.commaList" -}}
{{- if kindIs "slice" . }}{{ join "," . }}{{ else }}{{ toString . }}{{ end }}
{{- end }}

{{- define "teleport-plugin-event-handler.metricsServiceName" -}}
{{- printf "%s-metrics" (include "teleport-plugin-event-handler.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
