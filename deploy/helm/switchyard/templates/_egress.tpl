{{/*
Egress to Postgres and Redis. Their ports come, in this order, from networkPolicy.postgresPort /
redisPort, from database.url / redis.url when given inline, else 5432 / 6379. A URL in an
existingSecret cannot be read at render time: set the port in values when it is not the default.
*/}}

{{/* The ports of a URL's hosts, comma-separated; `default` for a host without one (url, default). */}}
{{- define "switchyard.urlPorts" -}}
{{- $default := toString .default -}}
{{- /* Strip the scheme, the user info (up to the last @ before the path) and the path. */ -}}
{{- $hosts := regexReplaceAll "^[A-Za-z][A-Za-z0-9+.-]*://" .url "" -}}
{{- $hosts = regexReplaceAll "^[^/?#]*@" $hosts "" -}}
{{- $hosts = regexReplaceAll "[/?#].*$" $hosts "" -}}
{{- $ports := list -}}
{{- /* libpq takes several hosts, comma-separated, each with its own port. */ -}}
{{- range $host := splitList "," $hosts -}}
{{- $ports = append $ports (default $default (regexFind ":[0-9]+$" $host | trimPrefix ":")) -}}
{{- end -}}
{{- $ports | uniq | join "," -}}
{{- end -}}

{{- define "switchyard.datastorePorts" -}}
{{- $np := .Values.networkPolicy -}}
{{- $ports := list -}}
{{- $stores := list (dict "port" $np.postgresPort "url" .Values.database.url "secret" .Values.database.existingSecret "default" 5432) (dict "port" $np.redisPort "url" .Values.redis.url "secret" .Values.redis.existingSecret "default" 6379) -}}
{{- /* The region's read replica and the global quota Redis, when set: the same ports rule applies. */ -}}
{{- range $extra := list (dict "port" $np.postgresPort "url" .Values.databaseRead.url "secret" .Values.databaseRead.existingSecret "default" 5432) (dict "port" $np.redisPort "url" .Values.quotaRedis.url "secret" .Values.quotaRedis.existingSecret "default" 6379) -}}
{{- if or $extra.url $extra.secret }}{{ $stores = append $stores $extra }}{{ end -}}
{{- end -}}
{{- range $store := $stores -}}
{{- if $store.port -}}
{{- $ports = append $ports (toString $store.port) -}}
{{- else if and $store.url (not $store.secret) -}}
{{- $ports = concat $ports (splitList "," (include "switchyard.urlPorts" $store)) -}}
{{- else -}}
{{- $ports = append $ports (toString $store.default) -}}
{{- end -}}
{{- end -}}
{{- $ports | uniq | join "," -}}
{{- end -}}

{{/* The egress rules to the datastores: networkPolicy.datastoreEgress when set (`[]`: none), else TCP to their ports anywhere. */}}
{{- define "switchyard.datastoreEgress" -}}
{{- $np := .Values.networkPolicy -}}
{{- if kindIs "slice" $np.datastoreEgress -}}
{{- with $np.datastoreEgress }}{{ toYaml . }}{{ end -}}
{{- else -}}
- ports:
{{- range $port := splitList "," (include "switchyard.datastorePorts" .) }}
    - { protocol: TCP, port: {{ $port }} }
{{- end }}
{{- end -}}
{{- end -}}
