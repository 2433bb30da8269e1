{{/*
switchyard.yaml's `region` section (docs/architecture.md §4, Regions): the ingress (or standalone)
forwards spilled requests to `region.peers`, each link authenticated by its own `env:` secret.
*/}}

{{/* The `env:` names of the peers' link secrets, comma-separated. */}}
{{- define "switchyard.peerSecretNames" -}}
{{- $names := list -}}
{{- with .Values.config.region -}}
{{- range (default list .peers) -}}
{{- if hasPrefix "env:" (toString .credential) -}}
{{- $names = append $names (trimPrefix "env:" .credential) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $names | uniq | join "," -}}
{{- end -}}

{{/* "true" when the config declares peer regions (the edge then calls them). */}}
{{- define "switchyard.peers" -}}
{{- with .Values.config.region -}}{{- if .peers -}}true{{- end -}}{{- end -}}
{{- end -}}

{{/* The peers' link secrets the config references (ctx). */}}
{{- define "switchyard.env.peerSecrets" -}}
{{- $ctx := .ctx -}}
{{- range $name := compact (splitList "," (include "switchyard.peerSecretNames" $ctx)) }}
{{- if and (not $ctx.Values.peerSecrets.existingSecret) (not (hasKey $ctx.Values.peerSecrets.values $name)) }}
{{- fail (printf "config.region.peers references env:%s: set peerSecrets.values.%s or peerSecrets.existingSecret" $name $name) }}
{{- end }}
{{- include "switchyard.secretEnv" (dict "ctx" $ctx "env" $name "value" "set" "existingSecret" $ctx.Values.peerSecrets.existingSecret "existingSecretKey" $name) }}
{{- end }}
{{- end -}}

{{/* The region's replica (DATABASE_READ_URL): auth, the router and standalone load keys and the catalogue from it. */}}
{{- define "switchyard.env.databaseRead" -}}
{{- include "switchyard.secretEnv" (dict "ctx" .ctx "env" "DATABASE_READ_URL" "value" .ctx.Values.databaseRead.url "existingSecret" .ctx.Values.databaseRead.existingSecret "existingSecretKey" .ctx.Values.databaseRead.existingSecretKey) }}
{{- end -}}

{{/* Where the config feed is polled from (auth, the router, standalone). */}}
{{- define "switchyard.env.configFeed" -}}
- name: SWITCHYARD_CONFIG_FEED_POLL_MS
  value: {{ .Values.settings.configFeed.pollMs | int64 | quote }}
{{- end -}}

{{/* Budgets across regions (auth, standalone): this region's share, or one global Redis. */}}
{{- define "switchyard.env.budget" -}}
{{- $b := .ctx.Values.settings.budget -}}
{{- $global := eq $b.mode "global" -}}
{{- if and $global (not (or .ctx.Values.quotaRedis.url .ctx.Values.quotaRedis.existingSecret)) -}}
{{- fail "settings.budget.mode global counts every region's budgets in one Redis: set quotaRedis.url or quotaRedis.existingSecret" -}}
{{- end -}}
{{- if and $global (ne (int $b.sharePercent) 100) -}}
{{- fail "settings.budget.sharePercent applies to settings.budget.mode share only; leave it at 100 in global mode" -}}
{{- end }}
- name: SWITCHYARD_BUDGET_MODE
  value: {{ $b.mode | quote }}
- name: SWITCHYARD_BUDGET_SHARE_PERCENT
  value: {{ $b.sharePercent | int64 | quote }}
{{- include "switchyard.secretEnv" (dict "ctx" .ctx "env" "SWITCHYARD_QUOTA_REDIS_URL" "value" .ctx.Values.quotaRedis.url "existingSecret" .ctx.Values.quotaRedis.existingSecret "existingSecretKey" .ctx.Values.quotaRedis.existingSecretKey) }}
{{- end -}}

{{/* Share mode's ledger-driven rebalancing (billing): how often, and the regions given allowances. */}}
{{- define "switchyard.env.budgetRebalance" -}}
{{- $b := .Values.settings.budget -}}
{{- if gt (int64 $b.rebalanceMs) 0 }}
{{- if eq $b.mode "global" -}}
{{- fail "settings.budget.rebalanceMs applies to settings.budget.mode share only; in global mode one counter holds the whole budget" -}}
{{- end -}}
{{- if not $b.regions -}}
{{- fail "settings.budget.rebalanceMs needs settings.budget.regions: every region that enforces a share of the budgets" -}}
{{- end }}
- name: SWITCHYARD_BUDGET_REBALANCE_MS
  value: {{ $b.rebalanceMs | int64 | quote }}
- name: SWITCHYARD_BUDGET_REGIONS
  value: {{ join "," $b.regions | quote }}
{{- end }}
{{- end -}}

{{/* Link secrets land in the Secret, never in switchyard.yaml (a ConfigMap). */}}
{{- define "switchyard.checkPeerSecrets" -}}
{{- with .Values.config.region -}}
{{- range (default list .peers) -}}
{{- if not (hasPrefix "env:" (toString .credential)) -}}
{{- fail "config.region.peers[].credential: write link secrets as env:NAME references (the secret itself in peerSecrets); switchyard.yaml is stored in a ConfigMap" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The request audit (issue 18): billing (and standalone) prune it; the ingress (and standalone) caps captured bodies. */}}
{{- define "switchyard.env.auditRetention" -}}
- name: SWITCHYARD_AUDIT_RETENTION_DAYS
  value: {{ .Values.settings.audit.retentionDays | int64 | quote }}
{{- end -}}
{{- define "switchyard.env.auditBodies" -}}
- name: SWITCHYARD_AUDIT_BODY_MAX_BYTES
  value: {{ .Values.settings.audit.bodyMaxBytes | int64 | quote }}
{{- end -}}
