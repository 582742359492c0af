{{/* Names and labels */}}
{{- define "montage.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: dict "root" . "component" "web" */}}
{{- define "montage.componentName" -}}
{{- printf "%s-%s" (include "montage.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "montage.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "montage.labels" -}}
{{ include "montage.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "montage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "montage.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image of a component: dict "root" . "component" "web" */}}
{{- define "montage.image" -}}
{{- $img := .root.Values.image -}}
{{- printf "%s/%s:%s" $img.repository .component (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{/* A Temporal task queue with the prefix applied, as taskQueueName in @montage/core: dict "root" . "queue" "gpu" */}}
{{- define "montage.taskQueue" -}}
{{- if .root.Values.taskQueuePrefix -}}
{{- printf "%s-%s" .root.Values.taskQueuePrefix .queue -}}
{{- else -}}
{{- .queue -}}
{{- end -}}
{{- end -}}

{{/* One env entry read from an existing Secret: dict "name" "DATABASE_URL" "secret" "s" "key" "k" */}}
{{- define "montage.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end -}}

{{/*
The environment of a process. dict "root" . "component" "web" "needs" (list "db" "temporal" "nats" "store" "auth")
Every secret comes through secretKeyRef or a file from a mounted Secret (see montage.volumes).
*/}}
{{- define "montage.env" -}}
{{- $v := .root.Values -}}
{{- $needs := .needs -}}
- name: NODE_ENV
  value: production
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: OPS_PORT
  value: {{ $v.opsPort | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ .component | quote }}
{{- with $v.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: DATA_DIR
  value: /data
{{- if has "db" $needs }}
{{ include "montage.secretEnv" (dict "name" "DATABASE_URL" "secret" (required "postgres.urlSecret.name is required" $v.postgres.urlSecret.name) "key" $v.postgres.urlSecret.key) }}
{{- if $v.postgres.caSecret.name }}
- name: DATABASE_CA_FILE
  value: /etc/montage/postgres-ca/ca.crt
{{- end }}
{{- end }}
{{- if has "temporal" $needs }}
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required" $v.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ $v.temporal.namespace | quote }}
- name: TASK_QUEUE_PREFIX
  value: {{ $v.taskQueuePrefix | quote }}
- name: TEMPORAL_TLS
  value: {{ ternary "1" "0" (or $v.temporal.tls.enabled (ne $v.temporal.apiKeySecret.name "")) | quote }}
{{- with $v.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ . | quote }}
{{- end }}
{{- if $v.temporal.apiKeySecret.name }}
{{ include "montage.secretEnv" (dict "name" "TEMPORAL_API_KEY" "secret" $v.temporal.apiKeySecret.name "key" $v.temporal.apiKeySecret.key) }}
{{- end }}
{{- if $v.temporal.tls.caSecret.name }}
- name: TEMPORAL_TLS_CA_FILE
  value: /etc/montage/temporal-ca/ca.crt
{{- end }}
{{- if $v.temporal.tls.clientCertSecret.name }}
- name: TEMPORAL_TLS_CERT_FILE
  value: /etc/montage/temporal-client/tls.crt
- name: TEMPORAL_TLS_KEY_FILE
  value: /etc/montage/temporal-client/tls.key
{{- end }}
{{- with $v.temporal.uiUrl }}
- name: TEMPORAL_UI_URL
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if has "nats" $needs }}
- name: NATS_URL
  value: {{ required "nats.url is required" $v.nats.url | quote }}
- name: NATS_TLS
  value: {{ ternary "1" "0" $v.nats.tls.enabled | quote }}
{{- if $v.nats.credsSecret.name }}
- name: NATS_CREDS_FILE
  value: /etc/montage/nats-creds/nats.creds
{{- end }}
{{- if $v.nats.userSecret.name }}
{{ include "montage.secretEnv" (dict "name" "NATS_USER" "secret" $v.nats.userSecret.name "key" $v.nats.userSecret.userKey) }}
{{ include "montage.secretEnv" (dict "name" "NATS_PASSWORD" "secret" $v.nats.userSecret.name "key" $v.nats.userSecret.passwordKey) }}
{{- end }}
{{- if $v.nats.tokenSecret.name }}
{{ include "montage.secretEnv" (dict "name" "NATS_TOKEN" "secret" $v.nats.tokenSecret.name "key" $v.nats.tokenSecret.key) }}
{{- end }}
{{- if $v.nats.tls.caSecret.name }}
- name: NATS_TLS_CA_FILE
  value: /etc/montage/nats-ca/ca.crt
{{- end }}
{{- if $v.nats.tls.clientCertSecret.name }}
- name: NATS_TLS_CERT_FILE
  value: /etc/montage/nats-client/tls.crt
- name: NATS_TLS_KEY_FILE
  value: /etc/montage/nats-client/tls.key
{{- end }}
{{- end }}
{{- if has "store" $needs }}
- name: ASSET_STORE
  value: {{ $v.assets.store | quote }}
{{- if eq $v.assets.store "s3" }}
- name: S3_BUCKET
  value: {{ required "s3.bucket is required when assets.store is s3" $v.s3.bucket | quote }}
- name: S3_REGION
  value: {{ $v.s3.region | quote }}
- name: S3_FORCE_PATH_STYLE
  value: {{ ternary "1" "0" $v.s3.forcePathStyle | quote }}
{{- with $v.s3.endpoint }}
- name: S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $v.s3.prefix }}
- name: S3_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with $v.s3.publicEndpoint }}
- name: S3_PUBLIC_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- if $v.s3.credentialsSecret.name }}
{{ include "montage.secretEnv" (dict "name" "S3_ACCESS_KEY_ID" "secret" $v.s3.credentialsSecret.name "key" $v.s3.credentialsSecret.accessKeyIdKey) }}
{{ include "montage.secretEnv" (dict "name" "S3_SECRET_ACCESS_KEY" "secret" $v.s3.credentialsSecret.name "key" $v.s3.credentialsSecret.secretAccessKeyKey) }}
{{- end }}
{{- end }}
{{- end }}
{{- if has "auth" $needs }}
- name: AUTH_MODE
  value: {{ $v.auth.mode | quote }}
{{- if eq $v.auth.mode "clerk" }}
{{ include "montage.secretEnv" (dict "name" "CLERK_JWT_KEY" "secret" $v.auth.clerk.secretName "key" $v.auth.clerk.jwtKeyKey) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Volumes for the Secrets a process reads as files, and its scratch DATA_DIR. Same dict as montage.env, plus "scratchSizeLimit". */}}
{{- define "montage.volumes" -}}
{{- $v := .root.Values -}}
{{- $needs := .needs -}}
- name: data
  {{- if .scratchSizeLimit }}
  emptyDir:
    sizeLimit: {{ .scratchSizeLimit }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- if and (has "db" $needs) $v.postgres.caSecret.name }}
- name: postgres-ca
  secret:
    secretName: {{ $v.postgres.caSecret.name }}
    items: [{ key: {{ $v.postgres.caSecret.key | quote }}, path: ca.crt }]
{{- end }}
{{- if has "temporal" $needs }}
{{- if $v.temporal.tls.caSecret.name }}
- name: temporal-ca
  secret:
    secretName: {{ $v.temporal.tls.caSecret.name }}
    items: [{ key: {{ $v.temporal.tls.caSecret.key | quote }}, path: ca.crt }]
{{- end }}
{{- with $v.temporal.tls.clientCertSecret }}{{ if .name }}
- name: temporal-client
  secret:
    secretName: {{ .name }}
    defaultMode: 0440
    items: [{ key: {{ .certKey | quote }}, path: tls.crt }, { key: {{ .keyKey | quote }}, path: tls.key }]
{{- end }}{{ end }}
{{- end }}
{{- if has "nats" $needs }}
{{- if $v.nats.credsSecret.name }}
- name: nats-creds
  secret:
    secretName: {{ $v.nats.credsSecret.name }}
    defaultMode: 0440
    items: [{ key: {{ $v.nats.credsSecret.key | quote }}, path: nats.creds }]
{{- end }}
{{- if $v.nats.tls.caSecret.name }}
- name: nats-ca
  secret:
    secretName: {{ $v.nats.tls.caSecret.name }}
    items: [{ key: {{ $v.nats.tls.caSecret.key | quote }}, path: ca.crt }]
{{- end }}
{{- with $v.nats.tls.clientCertSecret }}{{ if .name }}
- name: nats-client
  secret:
    secretName: {{ .name }}
    defaultMode: 0440
    items: [{ key: {{ .certKey | quote }}, path: tls.crt }, { key: {{ .keyKey | quote }}, path: tls.key }]
{{- end }}{{ end }}
{{- end }}
{{- if and (has "auth" $needs) (eq $v.auth.mode "local") }}
- name: auth-keys
  secret:
    secretName: {{ required "auth.localKeysSecret is required when auth.mode is local" $v.auth.localKeysSecret }}
    defaultMode: 0440
    items: [{ key: local-jwt.key, path: local-jwt.key }, { key: local-jwt.pub, path: local-jwt.pub }]
{{- end }}
{{- end -}}

{{- define "montage.volumeMounts" -}}
{{- $v := .root.Values -}}
{{- $needs := .needs -}}
- name: data
  mountPath: /data
{{- if and (has "db" $needs) $v.postgres.caSecret.name }}
- { name: postgres-ca, mountPath: /etc/montage/postgres-ca, readOnly: true }
{{- end }}
{{- if has "temporal" $needs }}
{{- if $v.temporal.tls.caSecret.name }}
- { name: temporal-ca, mountPath: /etc/montage/temporal-ca, readOnly: true }
{{- end }}
{{- if $v.temporal.tls.clientCertSecret.name }}
- { name: temporal-client, mountPath: /etc/montage/temporal-client, readOnly: true }
{{- end }}
{{- end }}
{{- if has "nats" $needs }}
{{- if $v.nats.credsSecret.name }}
- { name: nats-creds, mountPath: /etc/montage/nats-creds, readOnly: true }
{{- end }}
{{- if $v.nats.tls.caSecret.name }}
- { name: nats-ca, mountPath: /etc/montage/nats-ca, readOnly: true }
{{- end }}
{{- if $v.nats.tls.clientCertSecret.name }}
- { name: nats-client, mountPath: /etc/montage/nats-client, readOnly: true }
{{- end }}
{{- end }}
{{- if and (has "auth" $needs) (eq $v.auth.mode "local") }}
- { name: auth-keys, mountPath: /data/auth, readOnly: true }
{{- end }}
{{- end -}}

{{/* The ops port and the probes on it. */}}
{{- define "montage.opsPort" -}}
- name: ops
  containerPort: {{ .Values.opsPort }}
  protocol: TCP
{{- end -}}

{{- define "montage.probes" -}}
startupProbe:
  httpGet: { path: /healthz, port: ops }
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet: { path: /healthz, port: ops }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /readyz, port: ops }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* Pod-level settings every Deployment shares: dict "root" . "cfg" .Values.web */}}
{{- define "montage.podCommon" -}}
serviceAccountName: {{ include "montage.serviceAccountName" .root }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .cfg.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .cfg.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .cfg.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
