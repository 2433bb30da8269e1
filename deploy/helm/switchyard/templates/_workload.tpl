{{/*
One component's Deployment. Arguments:
  ctx        the root context
  component  the name suffix and component label (e.g. router, adapter-openai)
  values     the component's values (replicaCount, port, resources, autoscaling, …)
  app        the bundle the image starts: node dist/apps/<app>/main.js
  env        the component's own environment, rendered (a YAML list)
  probe      http (the edge: /healthz and /readyz) or grpc (grpc.health.v1 for `grpcService`)
  grpcService  the service name readiness asks grpc.health.v1 about
  config     mount switchyard.yaml
*/}}
{{- define "switchyard.deployment" -}}
{{- $ctx := .ctx -}}
{{- $v := .values -}}
{{- $portName := ternary "http" "grpc" (eq .probe "http") -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "switchyard.componentName" . }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "switchyard.componentLabels" . | nindent 4 }}
  {{- with (include "switchyard.annotations" $ctx) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 25%, maxUnavailable: 0 }
  selector:
    matchLabels:
      {{- include "switchyard.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "switchyard.componentLabels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- with (include "switchyard.secretsChecksum" .) }}
        checksum/secrets: {{ . }}
        {{- end }}
        {{- if .config }}
        checksum/config: {{ include (print $ctx.Template.BasePath "/configmap.yaml") $ctx | sha256sum }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "switchyard.serviceAccountName" $ctx }}
      # Switchyard never calls the Kubernetes API: no token in the pod.
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with $ctx.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml $ctx.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      {{- with (include "switchyard.topologySpread" .) }}
      topologySpreadConstraints:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .app }}
          image: {{ include "switchyard.image" $ctx }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          # The image's entrypoint is tini (signals, zombies); these are its arguments.
          args: ["node", "dist/apps/{{ .app }}/main.js"]
          securityContext:
            {{- toYaml $ctx.Values.containerSecurityContext | nindent 12 }}
          ports:
            - name: {{ $portName }}
              containerPort: {{ $v.port }}
              protocol: TCP
            {{- if $ctx.Values.metrics.enabled }}
            - name: metrics
              containerPort: {{ $ctx.Values.metrics.port }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "switchyard.env.common" (dict "ctx" $ctx "component" .component) | nindent 12 }}
            {{- .env | nindent 12 }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- if eq .probe "http" }}
          startupProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /readyz, port: http }
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          {{- else }}
          # Liveness asks only whether the process listens: grpc.health.v1 reports the
          # dependencies too (Postgres, Redis), and an outage of those must not restart every pod.
          startupProbe:
            tcpSocket: { port: grpc }
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            tcpSocket: { port: grpc }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            grpc:
              port: {{ $v.port }}
              service: {{ .grpcService }}
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
            {{- if .config }}
            - { name: config, mountPath: /etc/switchyard, readOnly: true }
            {{- end }}
      volumes:
        # The root filesystem is read-only; Node and the apps write only temporary files.
        - name: tmp
          emptyDir: { sizeLimit: 64Mi }
        {{- if .config }}
        - name: config
          configMap:
            name: {{ include "switchyard.configName" $ctx }}
        {{- end }}
{{- end -}}

{{/*
A checksum of the chart's Secret entries this component reads (ctx, env), so a change rolls only
the pods that read the changed value: a new upstream key rolls its adapter, not auth or billing.
Secrets in an existingSecret are not seen by the chart; roll those pods yourself.
*/}}
{{- define "switchyard.secretsChecksum" -}}
{{- $data := fromYaml (include "switchyard.secretData" .ctx) -}}
{{- $secret := include "switchyard.secretName" .ctx -}}
{{- $used := list -}}
{{- range (fromYamlArray .env) -}}
{{- $ref := dig "valueFrom" "secretKeyRef" dict . -}}
{{- if and $ref (eq (toString $ref.name) $secret) -}}
{{- $used = append $used (printf "%s=%s" $ref.key (get $data $ref.key)) -}}
{{- end -}}
{{- end -}}
{{- if $used }}{{ join "\n" $used | sha256sum }}{{ end -}}
{{- end -}}

{{/* Headless Service of a gRPC component (ctx, component, values): grpc-js balances over its pods. */}}
{{- define "switchyard.grpcService" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "switchyard.componentName" . }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "switchyard.componentLabels" . | nindent 4 }}
spec:
  clusterIP: None
  # Only ready pods are in the DNS answer: one whose gRPC health says NOT_SERVING (draining, or
  # its database or Redis unreachable) leaves it, and the callers' channels drop it.
  publishNotReadyAddresses: false
  selector:
    {{- include "switchyard.selectorLabels" . | nindent 4 }}
  ports:
    - name: grpc
      port: {{ .values.port }}
      targetPort: grpc
      protocol: TCP
      appProtocol: grpc
    {{- if $ctx.Values.metrics.enabled }}
    - name: metrics
      port: {{ $ctx.Values.metrics.port }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
{{- end -}}

{{/* HorizontalPodAutoscaler (ctx, component, values). */}}
{{- define "switchyard.hpa" -}}
{{- $a := .values.autoscaling -}}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "switchyard.componentName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "switchyard.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "switchyard.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: { type: Utilization, averageUtilization: {{ $a.targetCPUUtilizationPercentage }} }
    {{- if $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target: { type: Utilization, averageUtilization: {{ $a.targetMemoryUtilizationPercentage }} }
    {{- end }}
{{- end }}
{{- end -}}

{{/* PodDisruptionBudget (ctx, component, values). */}}
{{- define "switchyard.pdb" -}}
{{- if .values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "switchyard.componentName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "switchyard.componentLabels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "switchyard.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
