{{/*
NOTES.txt: how to get a tenant key — one of config.tenants (applied by the hook Job from
tenantKeys), or a new one from the admin API — as shell lines setting TENANT_KEY.
*/}}
{{- define "switchyard.notes.tenantKey" -}}
{{- $ns := .Release.Namespace -}}
{{- $refs := list -}}
{{- range .Values.config.tenants -}}
{{- $tenant := .id -}}
{{- range (default list .keys) -}}
{{- if hasPrefix "env:" (toString .key) }}{{ $refs = append $refs (dict "tenant" $tenant "name" (trimPrefix "env:" .key)) }}{{ end -}}
{{- end -}}
{{- end }}

A tenant key:
{{- if $refs }}
{{- $ref := first $refs }}
  # tenant {{ $ref.tenant }}'s key {{ $ref.name }}, applied from
{{- if .Values.tenantKeys.existingSecret }} Secret {{ .Values.tenantKeys.existingSecret }}:
  TENANT_KEY=$(kubectl get secret -n {{ $ns }} {{ .Values.tenantKeys.existingSecret }} -o jsonpath='{.data.{{ $ref.name }}}' | base64 -d)
{{- else }} values tenantKeys:
  TENANT_KEY=$(helm get values -n {{ $ns }} {{ .Release.Name }} -a -o json | jq -r '.tenantKeys.values.{{ $ref.name }}')
{{- end }}
{{- end }}
{{- if include "switchyard.adminEnabled" . }}
{{- $tenant := "team-a" }}
{{- with .Values.config.tenants }}{{ $tenant = (first .).id }}{{ end }}
  # {{ if $refs }}or a new one{{ else }}a new one{{ end }} from the admin API (the secret is shown once):
{{- if .Values.adminToken.existingSecret }}
  ADMIN_TOKEN=$(kubectl get secret -n {{ $ns }} {{ .Values.adminToken.existingSecret }} -o jsonpath='{.data.{{ .Values.adminToken.existingSecretKey }}}' | base64 -d)
{{- else }}
  ADMIN_TOKEN=$(kubectl get secret -n {{ $ns }} {{ include "switchyard.secretName" . }} -o jsonpath='{.data.SWITCHYARD_ADMIN_TOKEN}' | base64 -d)
{{- end }}
{{- if not .Values.config.tenants }}
  curl -s $BASE/admin/v1/tenants -H "Authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' -d '{"id":"{{ $tenant }}"}'
{{- end }}
  TENANT_KEY=$(curl -s $BASE/admin/v1/tenants/{{ $tenant }}/keys -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'content-type: application/json' -d '{"name":"first"}' | jq -r .secret)
{{- else if not $refs }}
  none yet: add tenants to config.tenants (keys as env: references, the keys in tenantKeys), or set
  adminToken (and database) to create them with the admin API (docs/admin-api.md).
{{- end }}
{{- end -}}
