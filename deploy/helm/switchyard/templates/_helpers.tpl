{{/* Names and labels (bitnami style). */}}
{{- define "switchyard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A component's resource name: <fullname>-<component>, e.g. sy-switchyard-adapter-openai. */}}
{{- define "switchyard.componentName" -}}
{{- printf "%s-%s" (include "switchyard.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "switchyard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: switchyard
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels of one component (ctx, component). */}}
{{- define "switchyard.componentLabels" -}}
{{ include "switchyard.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The selector of one component's pods (ctx, component). */}}
{{- define "switchyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchyard.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "switchyard.annotations" -}}
{{- with .Values.commonAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "switchyard.image" -}}
{{- $repo := printf "%s/%s" .Values.image.registry .Values.image.repository | trimPrefix "/" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "switchyard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "switchyard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret the chart writes from values; the migration Job reads a hook copy of it. */}}
{{- define "switchyard.secretName" -}}
{{- printf "%s-secrets" (include "switchyard.fullname" .) -}}
{{- end -}}
{{- define "switchyard.migrateName" -}}
{{- printf "%s-migrate" (include "switchyard.fullname" .) -}}
{{- end -}}
{{- define "switchyard.configName" -}}
{{- printf "%s-config" (include "switchyard.fullname" .) -}}
{{- end -}}

{{/* Where switchyard.yaml is mounted. */}}
{{- define "switchyard.configPath" -}}/etc/switchyard/switchyard.yaml{{- end -}}

{{/*
A gRPC address of a component's headless Service: grpc-js's dns resolver gets every pod address
and balances round-robin over them (docs/architecture.md §6).
*/}}
{{- define "switchyard.grpcAddress" -}}
{{- printf "dns:///%s.%s.svc.%s:%d" (include "switchyard.componentName" .) .ctx.Release.Namespace .ctx.Values.clusterDomain (int .port) -}}
{{- end -}}

{{/* The adapter family that serves a provider type (libs/providers: ADAPTER_FAMILY_OF). */}}
{{- define "switchyard.familyOf" -}}
{{- $families := dict "openai" "openai" "azure-openai" "openai" "openai-compatible" "openai" "anthropic" "anthropic" "gemini" "gemini" -}}
{{- if not (hasKey $families .) -}}
{{- fail (printf "config.providers: unknown provider type %q" .) -}}
{{- end -}}
{{- get $families . -}}
{{- end -}}

{{/* The `env:` names of the upstream keys of one family's providers (every provider's when family is empty), comma-separated (ctx, family). */}}
{{- define "switchyard.upstreamKeyNames" -}}
{{- $names := list -}}
{{- range .ctx.Values.config.providers -}}
{{- if or (not $.family) (eq (include "switchyard.familyOf" .type) $.family) -}}
{{- range (default list .apiKeys) -}}
{{- if hasPrefix "env:" . -}}
{{- $names = append $names (trimPrefix "env:" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $names | uniq | join "," -}}
{{- end -}}

{{/* The `env:` names of the tenant keys of the config, comma-separated. */}}
{{- define "switchyard.tenantKeyNames" -}}
{{- $names := list -}}
{{- range .Values.config.tenants -}}
{{- range (default list .keys) -}}
{{- if hasPrefix "env:" (toString .key) -}}
{{- $names = append $names (trimPrefix "env:" .key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $names | uniq | join "," -}}
{{- end -}}

{{/*
One environment variable from a Secret: the user's existingSecret, else the chart's Secret (or
`secret`, the migration Job's hook copy) when a value is given, else nothing.
(ctx, env, value, existingSecret, existingSecretKey, secret)
*/}}
{{- define "switchyard.secretEnv" -}}
{{- if .existingSecret }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ default .env .existingSecretKey }}
{{- else if .value }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ default (include "switchyard.secretName" .ctx) .secret }}
      key: {{ .env }}
{{- end }}
{{- end -}}

{{- define "switchyard.env.database" -}}
{{- include "switchyard.secretEnv" (dict "ctx" .ctx "env" "DATABASE_URL" "value" .ctx.Values.database.url "existingSecret" .ctx.Values.database.existingSecret "existingSecretKey" .ctx.Values.database.existingSecretKey "secret" .secret) }}
{{- end -}}
{{- define "switchyard.env.redis" -}}
{{- include "switchyard.secretEnv" (dict "ctx" .ctx "env" "REDIS_URL" "value" .ctx.Values.redis.url "existingSecret" .ctx.Values.redis.existingSecret "existingSecretKey" .ctx.Values.redis.existingSecretKey "secret" .secret) }}
{{- end -}}
{{- define "switchyard.env.adminToken" -}}
{{- include "switchyard.secretEnv" (dict "ctx" .ctx "env" "SWITCHYARD_ADMIN_TOKEN" "value" .ctx.Values.adminToken.value "existingSecret" .ctx.Values.adminToken.existingSecret "existingSecretKey" .ctx.Values.adminToken.existingSecretKey "secret" .secret) }}
{{- end -}}
{{/* OIDC sign-in to the admin API (the ingress, or standalone): public settings, none a secret. */}}
{{- define "switchyard.env.adminOidc" -}}
{{- $o := .Values.adminOidc -}}
{{- if $o.issuer }}
{{- if not $o.audience }}{{ fail "adminOidc.audience: required with adminOidc.issuer, the audience every admin JWT must name" }}{{ end }}
{{- if eq (and $o.jwksUrl $o.jwks | empty) (or $o.jwksUrl $o.jwks | empty) }}{{ fail "adminOidc: set exactly one of jwksUrl and jwks with an issuer" }}{{ end }}
- name: SWITCHYARD_ADMIN_OIDC_ISSUER
  value: {{ $o.issuer | quote }}
- name: SWITCHYARD_ADMIN_OIDC_AUDIENCE
  value: {{ $o.audience | quote }}
{{- if $o.jwksUrl }}
- name: SWITCHYARD_ADMIN_OIDC_JWKS_URL
  value: {{ $o.jwksUrl | quote }}
{{- else }}
- name: SWITCHYARD_ADMIN_OIDC_JWKS_FILE
  value: {{ include "switchyard.adminOidcJwksPath" . }}
{{- end }}
- name: SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM
  value: {{ $o.roleClaim | quote }}
- name: SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM
  value: {{ $o.tenantClaim | quote }}
{{- else if or $o.audience $o.jwksUrl $o.jwks }}
{{- fail "adminOidc: set adminOidc.issuer too, or leave every adminOidc setting empty" }}
{{- end }}
{{- end -}}
{{- define "switchyard.adminOidcJwksPath" -}}/etc/switchyard/admin-oidc-jwks.json{{- end -}}

{{- define "switchyard.env.secretKeys" -}}
{{- include "switchyard.secretEnv" (dict "ctx" .ctx "env" "SWITCHYARD_SECRET_KEYS" "value" .ctx.Values.secretKeys.value "existingSecret" .ctx.Values.secretKeys.existingSecret "existingSecretKey" .ctx.Values.secretKeys.existingSecretKey "secret" .secret) }}
{{- end -}}

{{/* Upstream keys of one family (ctx, family, secret). */}}
{{- define "switchyard.env.upstreamKeys" -}}
{{- $ctx := .ctx -}}
{{- $secret := .secret -}}
{{- $names := include "switchyard.upstreamKeyNames" (dict "ctx" $ctx "family" .family) -}}
{{- range $name := compact (splitList "," $names) }}
{{- if not (hasPrefix $ctx.Values.settings.outbound.envPrefix $name) }}
{{- fail (printf "config.providers: upstream key env:%s does not start with settings.outbound.envPrefix (%s); the gateway would refuse to read it" $name $ctx.Values.settings.outbound.envPrefix) }}
{{- end }}
{{- if and (not $ctx.Values.upstreamKeys.existingSecret) (not (hasKey $ctx.Values.upstreamKeys.values $name)) }}
{{- fail (printf "config.providers references env:%s: set upstreamKeys.values.%s or upstreamKeys.existingSecret" $name $name) }}
{{- end }}
{{- include "switchyard.secretEnv" (dict "ctx" $ctx "env" $name "value" "set" "existingSecret" $ctx.Values.upstreamKeys.existingSecret "existingSecretKey" $name "secret" $secret) }}
{{- end }}
{{- end -}}

{{/* Tenant keys the config references (ctx, secret). */}}
{{- define "switchyard.env.tenantKeys" -}}
{{- $ctx := .ctx -}}
{{- $secret := .secret -}}
{{- range $name := compact (splitList "," (include "switchyard.tenantKeyNames" $ctx)) }}
{{- if and (not $ctx.Values.tenantKeys.existingSecret) (not (hasKey $ctx.Values.tenantKeys.values $name)) }}
{{- fail (printf "config.tenants references env:%s: set tenantKeys.values.%s or tenantKeys.existingSecret" $name $name) }}
{{- end }}
{{- include "switchyard.secretEnv" (dict "ctx" $ctx "env" $name "value" "set" "existingSecret" $ctx.Values.tenantKeys.existingSecret "existingSecretKey" $name "secret" $secret) }}
{{- end }}
{{- end -}}

{{/* Settings every process reads (ctx, component). */}}
{{- define "switchyard.env.common" -}}
- name: HOST
  value: "0.0.0.0"
- name: LOG_LEVEL
  value: {{ .ctx.Values.logLevel | quote }}
{{- if .ctx.Values.metrics.enabled }}
- name: SWITCHYARD_METRICS_PORT
  value: {{ .ctx.Values.metrics.port | quote }}
{{- end }}
{{- include "switchyard.env.otel" . }}
{{- end -}}

{{/* The standard OpenTelemetry variables, read by the SDK itself (ctx, component). */}}
{{- define "switchyard.env.otel" -}}
{{- $otel := .ctx.Values.otel -}}
{{- if $otel.enabled }}
{{- if not $otel.endpoint }}{{ fail "otel.enabled needs otel.endpoint" }}{{ end }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $otel.endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $otel.protocol | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "switchyard-%s" .component | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ $otel.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ $otel.samplerArg | quote }}
{{- $attrs := dict "k8s.namespace.name" .ctx.Release.Namespace "service.namespace" "switchyard" -}}
{{- if .ctx.Values.region }}{{ $_ := set $attrs "cloud.region" .ctx.Values.region }}{{ end }}
{{- $attrs = merge (deepCopy $otel.resourceAttributes) $attrs }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ include "switchyard.kvList" $attrs | quote }}
{{- end }}
{{- end -}}

{{- define "switchyard.kvList" -}}
{{- $pairs := list -}}
{{- range $k, $v := . }}{{ $pairs = append $pairs (printf "%s=%v" $k $v) }}{{ end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* Outbound policy: set alike on every process that writes or calls providers (docs/architecture.md §4). */}}
{{- define "switchyard.env.outbound" -}}
- name: SWITCHYARD_OUTBOUND_ENV_PREFIX
  value: {{ .Values.settings.outbound.envPrefix | quote }}
- name: SWITCHYARD_OUTBOUND_ALLOW_HTTP
  value: {{ .Values.settings.outbound.allowHttp | quote }}
- name: SWITCHYARD_OUTBOUND_ALLOW_PRIVATE
  value: {{ .Values.settings.outbound.allowPrivate | quote }}
{{- end -}}

{{/* The public HTTP server's settings (the ingress, or standalone). */}}
{{- define "switchyard.env.http" -}}
{{- $s := .Values.settings -}}
{{- if .Values.region }}
- name: SWITCHYARD_REGION
  value: {{ .Values.region | quote }}
{{- end }}
- name: MAX_BODY_BYTES
  value: {{ $s.maxBodyBytes | int64 | quote }}
{{- with $s.trustedProxies }}
- name: SWITCHYARD_TRUSTED_PROXIES
  value: {{ join "," . | quote }}
{{- end }}
- name: SWITCHYARD_MAX_EMBED_INPUTS
  value: {{ $s.maxEmbedInputs | int64 | quote }}
- name: SWITCHYARD_MAX_REQUEST_TOKENS
  value: {{ $s.maxRequestTokens | int64 | quote }}
- name: SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS
  value: {{ $s.http.headersTimeoutMs | int64 | quote }}
- name: SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS
  value: {{ $s.http.requestTimeoutMs | int64 | quote }}
- name: SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS
  value: {{ $s.http.keepAliveTimeoutMs | int64 | quote }}
- name: SWITCHYARD_HTTP_MAX_CONNECTIONS
  value: {{ $s.http.maxConnections | int64 | quote }}
- name: SWITCHYARD_ACCESS_LOG
  value: {{ $s.accessLog | quote }}
{{- with $s.cors.origins }}
- name: SWITCHYARD_CORS_ORIGINS
  value: {{ join "," . | quote }}
{{- end }}
- name: SWITCHYARD_CORS_MAX_AGE_SECONDS
  value: {{ $s.cors.maxAgeSeconds | int64 | quote }}
{{- end -}}

{{/* Where switchyard.yaml is applied (the hook Job, standalone): unset env: references stop it unless allowed. */}}
{{- define "switchyard.env.configRefs" -}}
- name: SWITCHYARD_ALLOW_UNRESOLVED_ENV
  value: {{ .Values.settings.allowUnresolvedEnv | quote }}
{{- end -}}

{{- define "switchyard.env.quota" -}}
- name: SWITCHYARD_QUOTA_LEASE_MS
  value: {{ .Values.settings.quota.leaseMs | int64 | quote }}
- name: SWITCHYARD_QUOTA_ON_ERROR
  value: {{ .Values.settings.quota.onError | quote }}
- name: SWITCHYARD_RECONCILE_INTERVAL_MS
  value: {{ .Values.settings.quota.reconcileIntervalMs | int64 | quote }}
{{- end -}}

{{/* Raw usage retention (issue 16), where usage is recorded: billing, standalone. 0 sets nothing (keep forever). */}}
{{- define "switchyard.env.usageRetention" -}}
{{- with .Values.settings.usage.retentionDays }}
- name: SWITCHYARD_USAGE_RETENTION_DAYS
  value: {{ . | int64 | quote }}
{{- end }}
{{- end -}}

{{- define "switchyard.env.upstreamLimits" -}}
- name: SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES
  value: {{ .Values.settings.upstream.maxResponseBytes | int64 | quote }}
- name: SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES
  value: {{ .Values.settings.upstream.maxStreamBytes | int64 | quote }}
- name: SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES
  value: {{ .Values.settings.upstream.maxEventBytes | int64 | quote }}
{{- end -}}

{{/* The admin API is on when the ingress has both a token and the database. */}}
{{- define "switchyard.adminEnabled" -}}
{{- if and (or .Values.adminToken.value .Values.adminToken.existingSecret) (or .Values.database.url .Values.database.existingSecret) -}}true{{- end -}}
{{- end -}}

{{- define "switchyard.requireDatastores" -}}
{{- if not (or .Values.database.url .Values.database.existingSecret) -}}
{{- fail "database.url or database.existingSecret is required (Postgres: DATABASE_URL)" -}}
{{- end -}}
{{- if not (or .Values.redis.url .Values.redis.existingSecret) -}}
{{- fail "redis.url or redis.existingSecret is required (Redis: REDIS_URL)" -}}
{{- end -}}
{{- end -}}

{{/*
database and databaseRead: one source each, and a Postgres URL. A schema pattern would print the
URL, password included, on a mismatch; these messages name the key, never the value.
*/}}
{{- define "switchyard.checkDatabaseUrls" -}}
{{- range $key := list "database" "databaseRead" -}}
{{- $db := index $.Values $key -}}
{{- if and $db.url $db.existingSecret -}}
{{- fail (printf "%s.url and %s.existingSecret are both set: set one (the existingSecret would win and the url be ignored)" $key $key) -}}
{{- end -}}
{{- if and $db.url (not (or (hasPrefix "postgres://" $db.url) (hasPrefix "postgresql://" $db.url))) -}}
{{- fail (printf "%s.url must start with postgres:// or postgresql:// (the value is not shown: it holds a password)" $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Default spread over zones and nodes (ctx, component, values). */}}
{{- define "switchyard.topologySpread" -}}
{{- if .values.topologySpreadConstraints }}
{{ toYaml .values.topologySpreadConstraints }}
{{- else if .ctx.Values.topologySpread.enabled }}
{{- range $key := list "topology.kubernetes.io/zone" "kubernetes.io/hostname" }}
- maxSkew: 1
  topologyKey: {{ $key }}
  whenUnsatisfiable: {{ $.ctx.Values.topologySpread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "switchyard.selectorLabels" (dict "ctx" $.ctx "component" $.component) | nindent 6 }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
switchyard.yaml lands in a ConfigMap, which is not a secret: keys in it must be `env:` references
(resolved from the Secrets) or, for upstream keys, sealed values (`enc:`, SWITCHYARD_SECRET_KEYS).
The messages name only env: (no command prints an enc: value; apply and the admin API seal
literals as they store them), but an enc: value copied from the database still passes.
*/}}
{{- define "switchyard.checkConfigSecrets" -}}
{{- range .Values.config.providers -}}
{{- range (default list .apiKeys) -}}
{{- if not (or (hasPrefix "env:" .) (hasPrefix "enc:" .)) -}}
{{- fail "config.providers[].apiKeys: write upstream keys as env:NAME references (the key itself in upstreamKeys); switchyard.yaml is stored in a ConfigMap" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range .Values.config.tenants -}}
{{- range (default list .keys) -}}
{{- if not (hasPrefix "env:" (toString .key)) -}}
{{- fail "config.tenants[].keys[].key: write tenant keys as env:NAME references (the key itself in tenantKeys); switchyard.yaml is stored in a ConfigMap" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.config.notifications -}}
{{- range (default list .webhooks) -}}
{{- if not (or (hasPrefix "env:" (toString .secret)) (hasPrefix "enc:" (toString .secret))) -}}
{{- fail "config.notifications.webhooks[].secret: write signing secrets as env:NAME references (the secret itself in webhookSecrets); switchyard.yaml is stored in a ConfigMap" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.config.server -}}
{{- if and .adminToken (not (hasPrefix "env:" (toString .adminToken))) -}}
{{- fail "config.server.adminToken: set adminToken.value or adminToken.existingSecret instead; switchyard.yaml is stored in a ConfigMap" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Files and batches (issue 17): the upload limit where /v1/files is served (the ingress, standalone). */}}
{{- define "switchyard.env.files" -}}
- name: SWITCHYARD_FILES_MAX_BYTES
  value: {{ .Values.settings.files.maxBytes | int64 | quote }}
{{- end -}}
{{/*
Where file bytes live (issue 17), for the processes that store or read them: the ingress, billing's
batch worker, standalone. The bucket's key comes from filesBucket.existingSecret when set.
*/}}
{{- define "switchyard.env.filesStore" -}}
{{- $f := .Values.settings.files -}}
- name: SWITCHYARD_FILES_STORE
  value: {{ $f.store | quote }}
{{- if eq $f.store "s3" }}
{{- if not $f.s3.bucket }}{{ fail "settings.files.s3.bucket: required with settings.files.store s3" }}{{ end }}
- name: SWITCHYARD_FILES_S3_BUCKET
  value: {{ $f.s3.bucket | quote }}
{{- with $f.s3.endpoint }}
- name: SWITCHYARD_FILES_S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $f.s3.region }}
- name: SWITCHYARD_FILES_S3_REGION
  value: {{ . | quote }}
{{- end }}
{{- with $f.s3.prefix }}
- name: SWITCHYARD_FILES_S3_PREFIX
  value: {{ . | quote }}
{{- end }}
- name: SWITCHYARD_FILES_S3_FORCE_PATH_STYLE
  value: {{ $f.s3.forcePathStyle | quote }}
{{- with .Values.filesBucket.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.filesBucket.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.filesBucket.secretAccessKeyKey }}
{{- end }}
{{- end }}
{{- end -}}
{{/* The batch queue's lock: the ingress queues batches with it, billing (or standalone) runs them. */}}
{{- define "switchyard.env.batchLock" -}}
- name: SWITCHYARD_BATCH_LOCK_MS
  value: {{ .Values.settings.batches.lockMs | int64 | quote }}
{{- end -}}
{{/* The batch worker (billing, standalone): batches at once, lines per batch, and the expired-files sweep. */}}
{{- define "switchyard.env.batchWorker" -}}
- name: SWITCHYARD_BATCH_WORKERS
  value: {{ .Values.settings.batches.workers | int64 | quote }}
- name: SWITCHYARD_BATCH_LINE_CONCURRENCY
  value: {{ .Values.settings.batches.lineConcurrency | int64 | quote }}
- name: SWITCHYARD_FILES_SWEEP_MS
  value: {{ .Values.settings.files.sweepMs | int64 | quote }}
{{ include "switchyard.env.batchLock" . }}
{{- end -}}
{{/* Stored Responses answers (issue 17), where the Responses API is served (the ingress, standalone). */}}
{{- define "switchyard.env.responses" -}}
- name: SWITCHYARD_RESPONSES_RETENTION_DAYS
  value: {{ .Values.settings.responses.retentionDays | int64 | quote }}
{{- end -}}
