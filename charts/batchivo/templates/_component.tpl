{{/*
THE definition of a Batchivo process: Deployment + Service + ServiceAccount + HPA + PDB +
NetworkPolicy. Every service file (auth.yaml, gateway.yaml, ...) includes it once per process.

Input: dict
  "root"     $
  "service"  values key of the service ("auth", "gateway")
  "process"  "" (single-process service: the gateway), "api" (the service block itself) or the
             name of a sub-block of the service values ("worker"), whose keys override the
             service's key by key (so worker.resources replaces resources wholesale; env is merged)
  "extraEnv" optional YAML list of extra env entries (the gateway's upstream URLs, the frontend's
             GATEWAY_UPSTREAM)

Keys a component may set besides the usual ones (absent = the Python process default):
  commonEnv: false   no BATCHIVO_* or OTEL_* env, no AMQP or Redis secrets (the frontend's nginx)
  metrics: false     no /metrics: no prometheus.io annotations, no Prometheus ingress rule
  metricsPort: N     /metrics is served on this second port, not on http (the gateway): a "metrics"
                     port on the container and the Service, the scrape annotations point at it, and
                     Prometheus may reach that port only
  extraVolumes, extraVolumeMounts   more writable dirs beside /tmp (nginx's conf.d and cache)

Security defaults come from global.podSecurityContext / global.containerSecurityContext and can
be overridden key by key per service or process.
*/}}
{{- define "batchivo.component" -}}
{{- $root := .root -}}
{{- $service := .service -}}
{{- $process := .process | default "" -}}
{{- $svc := index $root.Values $service -}}
{{- $sub := dict -}}
{{- if and $process (hasKey $svc $process) -}}
{{- $sub = index $svc $process -}}
{{- end -}}
{{- $p := omit $svc "worker" "migrations" "topology" -}}
{{- range $key, $value := $sub -}}
{{- $_ := set $p $key $value -}}
{{- end -}}
{{- $env := deepCopy ($svc.env | default (dict)) -}}
{{- range $key, $value := ($sub.env | default (dict)) -}}
{{- $_ := set $env $key $value -}}
{{- end -}}
{{- if and $svc.enabled $p.enabled -}}
{{- $id := include "batchivo.componentId" (dict "service" $service "process" $process) -}}
{{- $name := include "batchivo.componentName" (dict "root" $root "service" $service "process" $process) -}}
{{- $ctx := dict "root" $root "component" $id -}}
{{- $saName := "default" -}}
{{- if $p.serviceAccount.create -}}
{{- $saName = $p.serviceAccount.name | default $name -}}
{{- else if $p.serviceAccount.name -}}
{{- $saName = $p.serviceAccount.name -}}
{{- end -}}
{{- $probes := deepCopy $root.Values.global.probes -}}
{{- range $key, $value := ($p.probes | default (dict)) -}}
{{- $_ := set $probes $key $value -}}
{{- end -}}
{{- $netpol := $p.networkPolicy | default (dict) -}}
{{- $metrics := dig "metrics" true $p -}}
{{- $scrape := and $root.Values.global.metrics.podAnnotations $metrics }}
{{- $metricsPort := $p.metricsPort | default $p.port }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
  annotations:
    {{- include "batchivo.policySkips" (dict "root" $root "images" (list $p.image)) | nindent 4 }}
spec:
  {{- if not $p.autoscaling.enabled }}
  replicas: {{ $p.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "batchivo.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "batchivo.labels" $ctx | nindent 8 }}
      {{- if or $scrape $p.podAnnotations }}
      annotations:
        {{- if $scrape }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $metricsPort | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $p.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    spec:
      serviceAccountName: {{ $saName }}
      automountServiceAccountToken: {{ $p.serviceAccount.automountServiceAccountToken }}
      enableServiceLinks: false
      {{- with $root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "batchivo.podSecurityContext" (dict "root" $root "values" $p) | nindent 8 }}
      terminationGracePeriodSeconds: {{ $p.terminationGracePeriodSeconds }}
      containers:
        - name: {{ $process | default $service }}
          image: {{ include "batchivo.image" (dict "root" $root "image" $p.image) | quote }}
          imagePullPolicy: {{ $p.image.pullPolicy }}
          command:
            {{- toYaml (concat $p.command ($p.extraArgs | default list)) | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $p.port }}
              protocol: TCP
            {{- if $p.metricsPort }}
            - name: metrics
              containerPort: {{ $p.metricsPort }}
              protocol: TCP
            {{- end }}
          env:
            {{- if dig "commonEnv" true $p }}
            {{- include "batchivo.commonEnv" $root | nindent 12 }}
            {{- end }}
            {{- with (include "batchivo.databaseEnv" (dict "service" $service "values" $svc "roles" ($p.databaseRoles | default list)) | trim) }}{{ . | nindent 12 }}{{- end }}
            {{- with (include "batchivo.secretEnv" (dict "service" $service "values" $svc) | trim) }}{{ . | nindent 12 }}{{- end }}
            {{- with .extraEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with (include "batchivo.plainEnv" $env | trim) }}{{ . | nindent 12 }}{{- end }}
          startupProbe:
            httpGet:
              path: {{ $probes.startup.path }}
              port: http
            {{- toYaml (omit $probes.startup "path") | nindent 12 }}
          livenessProbe:
            httpGet:
              path: {{ $probes.liveness.path }}
              port: http
            {{- toYaml (omit $probes.liveness "path") | nindent 12 }}
          readinessProbe:
            httpGet:
              path: {{ $probes.readiness.path }}
              port: http
            {{- toYaml (omit $probes.readiness "path") | nindent 12 }}
          {{- if $p.preStopSleepSeconds }}
          lifecycle:
            # Let endpoints drop the pod before the server starts its shutdown.
            preStop:
              exec:
                command: ["sleep", {{ $p.preStopSleepSeconds | quote }}]
          {{- end }}
          resources:
            {{- toYaml $p.resources | nindent 12 }}
          securityContext:
            {{- include "batchivo.containerSecurityContext" (dict "root" $root "values" $p) | nindent 12 }}
          volumeMounts:
            {{- include "batchivo.tmpVolumeMount" $root | nindent 12 }}
            {{- with $p.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "batchivo.tmpVolume" $root | nindent 8 }}
        {{- with $p.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if or $p.topologySpreadConstraints $root.Values.global.spreadPods }}
      topologySpreadConstraints:
        {{- if $p.topologySpreadConstraints }}
        {{- toYaml $p.topologySpreadConstraints | nindent 8 }}
        {{- else }}
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "batchivo.selectorLabels" $ctx | nindent 14 }}
        {{- end }}
      {{- end }}
      {{- with $p.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $p.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $p.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "batchivo.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $p.port }}
      targetPort: http
      protocol: TCP
    {{- if $p.metricsPort }}
    - name: metrics
      port: {{ $p.metricsPort }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
{{- if $p.serviceAccount.create }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $saName }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
  {{- with $p.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ $p.serviceAccount.automountServiceAccountToken }}
{{- end }}
{{- if $p.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $p.autoscaling.minReplicas }}
  maxReplicas: {{ $p.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $p.autoscaling.targetCPUUtilizationPercentage }}
    {{- with $p.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- if $p.pdb.create }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
spec:
  {{- if $p.pdb.minAvailable }}
  minAvailable: {{ $p.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $p.pdb.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "batchivo.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- if and $root.Values.global.networkPolicy.enabled $netpol.enabled }}
{{- $np := $root.Values.global.networkPolicy }}
{{- $release := include "batchivo.selectorLabels" (dict "root" $root "component" "") }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "batchivo.selectorLabels" $ctx | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  {{- $ingress := include "batchivo.ingressRules" (dict "root" $root "netpol" $netpol "release" $release "metrics" $metrics "metricsPort" (ternary "metrics" "http" (not (empty $p.metricsPort)))) | trim }}
  {{- if $ingress }}
  ingress:
    {{- $ingress | nindent 4 }}
  {{- else }}
  ingress: []
  {{- end }}
  egress:
    {{- include "batchivo.dnsEgress" $root | nindent 4 }}
    # other pods of this release (their own ingress rules decide who may connect)
    - to:
        - podSelector:
            matchLabels:
              {{- $release | nindent 14 }}
    {{- with (include "batchivo.datastoreEgress" (dict "root" $root "names" ($netpol.egressTo | default list)) | trim) }}{{ . | nindent 4 }}{{- end }}
    {{- with $netpol.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Ingress rules of a component's NetworkPolicy (may be none: then it accepts nothing).
Input: dict "root" $ "netpol" <component networkPolicy values> "release" <release selector labels>
"metrics" <whether the component serves /metrics> "metricsPort" <the named port that serves it: http or metrics>
*/}}
{{- define "batchivo.ingressRules" -}}
{{- $root := .root -}}
{{- $netpol := .netpol -}}
{{- $release := .release -}}
{{- $np := $root.Values.global.networkPolicy -}}
{{- if $netpol.allowFromIngressController }}
# the ingress controller
- from:
    - namespaceSelector:
        {{- toYaml $np.ingressController.namespaceSelector | nindent 8 }}
      {{- with $np.ingressController.podSelector }}
      podSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  ports:
    - port: http
      protocol: TCP
{{- end }}
{{- if $netpol.allowFromGateway }}
# the gateway of this release
- from:
    - podSelector:
        matchLabels:
          {{- include "batchivo.selectorLabels" (dict "root" $root "component" "gateway") | nindent 10 }}
  ports:
    - port: http
      protocol: TCP
{{- end }}
{{- if $netpol.allowFromFrontend }}
# the frontend of this release (its nginx proxies /api/ and /.well-known/)
- from:
    - podSelector:
        matchLabels:
          {{- include "batchivo.selectorLabels" (dict "root" $root "component" "frontend") | nindent 10 }}
  ports:
    - port: http
      protocol: TCP
{{- end }}
{{- if $netpol.allowFromRelease }}
# every pod of this release (auth serves the JWKS every service verifies tokens with)
- from:
    - podSelector:
        matchLabels:
          {{- $release | nindent 10 }}
  ports:
    - port: http
      protocol: TCP
{{- end }}
{{- if and $np.prometheus.enabled .metrics }}
# Prometheus scrapes /metrics on the {{ .metricsPort }} port
- from:
    - namespaceSelector:
        {{- toYaml $np.prometheus.namespaceSelector | nindent 8 }}
      {{- with $np.prometheus.podSelector }}
      podSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  ports:
    - port: {{ .metricsPort }}
      protocol: TCP
{{- end }}
{{- with $netpol.extraIngress }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Egress to DNS (53/UDP+TCP), as Bitnami charts do. Input: $ (root).
*/}}
{{- define "batchivo.dnsEgress" -}}
# DNS
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .Values.global.networkPolicy.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/*
Egress to the external datastores and telemetry named in `names` (global.networkPolicy.egress).
Input: dict "root" $ "names" <list of names>
*/}}
{{- define "batchivo.datastoreEgress" -}}
{{- $names := .names -}}
{{- range .root.Values.global.networkPolicy.egress }}
{{- if has .name $names }}
# {{ .name }}
- ports:
    {{- range .ports }}
    - port: {{ .port }}
      protocol: {{ .protocol | default "TCP" }}
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
{{- end -}}
