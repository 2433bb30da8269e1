{{/*
switchyard.yaml's `notifications` (docs/architecture.md §9): auth raises budget alerts, the router
health alerts, billing delivers the webhooks, signed with each webhook's secret.
*/}}

{{/* "true" when the config declares a webhook (billing then reads the signing secrets). */}}
{{- define "switchyard.webhooks" -}}
{{- with .Values.config.notifications -}}{{- if .webhooks -}}true{{- end -}}{{- end -}}
{{- end -}}

{{/* The `env:` names of the webhooks' signing secrets, comma-separated. */}}
{{- define "switchyard.webhookSecretNames" -}}
{{- $names := list -}}
{{- with .Values.config.notifications -}}
{{- range (default list .webhooks) -}}
{{- if hasPrefix "env:" (toString .secret) -}}
{{- $names = append $names (trimPrefix "env:" .secret) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $names | uniq | join "," -}}
{{- end -}}

{{/* The webhooks' signing secrets the config references (ctx). */}}
{{- define "switchyard.env.webhookSecrets" -}}
{{- $ctx := .ctx -}}
{{- range $name := compact (splitList "," (include "switchyard.webhookSecretNames" $ctx)) }}
{{- if and (not $ctx.Values.webhookSecrets.existingSecret) (not (hasKey $ctx.Values.webhookSecrets.values $name)) }}
{{- fail (printf "config.notifications.webhooks references env:%s: set webhookSecrets.values.%s or webhookSecrets.existingSecret" $name $name) }}
{{- end }}
{{- include "switchyard.secretEnv" (dict "ctx" $ctx "env" $name "value" "set" "existingSecret" $ctx.Values.webhookSecrets.existingSecret "existingSecretKey" $name) }}
{{- end }}
{{- end -}}
