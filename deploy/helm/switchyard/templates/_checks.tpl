{{/*
Checks of values against each other that a JSON schema cannot express; each fails the render
with what to change, rather than leaving a process to fail at start or a request at run time.
*/}}

{{/* The adapter families config.providers need (comma-separated, sorted). */}}
{{- define "switchyard.providerFamilies" -}}
{{- $families := list -}}
{{- range .Values.config.providers -}}
{{- $families = append $families (include "switchyard.familyOf" .type) -}}
{{- end -}}
{{- $families | uniq | sortAlpha | join "," -}}
{{- end -}}

{{/*
Microservices: a provider whose family has no adapter Deployment could never be called (the router
has no address for it), so the render fails.
*/}}
{{- define "switchyard.checkFamilies" -}}
{{- if eq .Values.topology "microservices" -}}
{{- range .Values.config.providers -}}
{{- $family := include "switchyard.familyOf" .type -}}
{{- if not (has $family $.Values.adapter.families) -}}
{{- fail (printf "config.providers: provider %q (type %s) needs an adapter of family %q, which adapter.families (%s) does not list; add it there" (toString .id) .type $family (join ", " $.Values.adapter.families)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Microservices: adapter families no provider uses (comma-separated): their Deployments idle. */}}
{{- define "switchyard.idleFamilies" -}}
{{- if eq .Values.topology "microservices" -}}
{{- $needed := splitList "," (include "switchyard.providerFamilies" .) -}}
{{- $idle := list -}}
{{- range .Values.adapter.families -}}
{{- if not (has . $needed) }}{{ $idle = append $idle . }}{{ end -}}
{{- end -}}
{{- join "," $idle -}}
{{- end -}}
{{- end -}}

{{/*
A PromQL expression with namespace="<namespace>" added to every selector of Switchyard's series
(switchyard_*) and of `up` (expr, namespace).
*/}}
{{- define "switchyard.scopedExpr" -}}
{{- $matcher := printf "namespace=%q" .namespace -}}
{{- $expr := regexReplaceAll "\\b(switchyard_[a-z0-9_]+|up)\\{" .expr (printf "${1}{%s," $matcher) -}}
{{- regexReplaceAll "\\b(switchyard_[a-z0-9_]+)([^a-z0-9_{]|$)" $expr (printf "${1}{%s}${2}" $matcher) -}}
{{- end -}}
