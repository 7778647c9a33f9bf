{{/*
Names, labels, images and the env blocks every Batchivo process shares.

Object names follow `<release>-<service>-<process>` (e.g. batchivo-auth-api, batchivo-auth-worker);
a service with a single process (the gateway) is just `<release>-<service>`.
Labels are split Bitnami-style: `batchivo.selectorLabels` (immutable, used by selectors) and
`batchivo.labels` (selector labels + chart/version/part-of + global.commonLabels).
*/}}

{{- define "batchivo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "batchivo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "batchivo.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Component identifier: "auth-api", "auth-worker", "auth-migrate", "gateway".
Input: dict "service" <values key> "process" <"" | "api" | "worker" | ...>
*/}}
{{- define "batchivo.componentId" -}}
{{- if .process -}}
{{- printf "%s-%s" .service .process -}}
{{- else -}}
{{- .service -}}
{{- end -}}
{{- end -}}

{{/*
Object name of a component. Input: dict "root" $ "service" ... "process" ...
*/}}
{{- define "batchivo.componentName" -}}
{{- printf "%s-%s" (include "batchivo.fullname" .root) (include "batchivo.componentId" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels. Input: dict "root" $ "component" <component id or "">
*/}}
{{- define "batchivo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "batchivo.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/*
Standard labels. Input: dict "root" $ "component" <component id or "">
*/}}
{{- define "batchivo.labels" -}}
helm.sh/chart: {{ include "batchivo.chart" .root }}
{{ include "batchivo.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Values.global.imageTag | default .root.Chart.AppVersion | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: batchivo
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Image reference. Input: dict "root" $ "image" <image values>
registry: image.registry, else global.imageRegistry; tag: image.tag, else global.imageTag, else
Chart.appVersion; a digest wins over the tag.
*/}}
{{- define "batchivo.image" -}}
{{- $registry := .image.registry | default .root.Values.global.imageRegistry -}}
{{- $repository := .image.repository -}}
{{- if $registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) $repository -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repository .image.digest -}}
{{- else -}}
{{- $tag := .image.tag | default .root.Values.global.imageTag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository (toString $tag) -}}
{{- end -}}
{{- end -}}

{{/*
Names of the domain services: the top-level values blocks that have a `database` key and are
enabled (today: auth). The gateway upstreams, the db-bootstrap job and the topology job are
derived from this list, so adding a service is a values block plus templates/<svc>.yaml.
Returns a comma-separated string (templates cannot return lists).
*/}}
{{- define "batchivo.serviceNames" -}}
{{- $names := list -}}
{{- range $name, $values := .Values -}}
{{- if kindIs "map" $values -}}
{{- if and (hasKey $values "database") $values.enabled -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/*
URL of the JWKS that services and the gateway verify tokens with.
*/}}
{{- define "batchivo.jwksUrl" -}}
{{- if .Values.global.jwt.jwksUrl -}}
{{- .Values.global.jwt.jwksUrl -}}
{{- else -}}
{{- printf "http://%s:%v/.well-known/jwks.json" (include "batchivo.componentName" (dict "root" . "service" "auth" "process" "api")) .Values.auth.port -}}
{{- end -}}
{{- end -}}

{{/*
Env of every Batchivo process and job (BATCHIVO_*, OTEL_*). Input: $ (root).
The AMQP URL goes to every process: settings refuse the built-in guest default outside dev.
*/}}
{{- define "batchivo.commonEnv" -}}
- name: BATCHIVO_ENV
  value: {{ .Values.global.environment | quote }}
- name: BATCHIVO_LOG_LEVEL
  value: {{ .Values.global.logLevel | quote }}
- name: BATCHIVO_JWT_ISSUER
  value: {{ .Values.global.jwt.issuer | quote }}
- name: BATCHIVO_JWT_AUDIENCE
  value: {{ .Values.global.jwt.audience | quote }}
- name: BATCHIVO_JWKS_URL
  value: {{ include "batchivo.jwksUrl" . | quote }}
- name: BATCHIVO_AMQP_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "global.rabbitmq.existingSecret is required" .Values.global.rabbitmq.existingSecret }}
      key: {{ .Values.global.rabbitmq.urlKey }}
- name: BATCHIVO_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "global.redis.existingSecret is required" .Values.global.redis.existingSecret }}
      key: {{ .Values.global.redis.urlKey }}
{{- with .Values.global.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ printf "service.namespace=batchivo,deployment.environment.name=%s" .Values.global.environment | quote }}
{{- end -}}

{{/*
DSN env vars of one service, each from its own secret.
Input: dict "service" <name> "values" <service values> "roles" <list of app|owner|relay>
app -> <SVC>_DATABASE_URL, owner -> <SVC>_OWNER_DATABASE_URL, relay -> <SVC>_RELAY_DATABASE_URL
*/}}
{{- define "batchivo.databaseEnv" -}}
{{- $prefix := .service | upper | replace "-" "_" -}}
{{- $suffix := dict "app" "DATABASE_URL" "owner" "OWNER_DATABASE_URL" "relay" "RELAY_DATABASE_URL" -}}
{{- $service := .service -}}
{{- $database := .values.database | default (dict) -}}
{{- range .roles }}
{{- $dsn := index $database . | default (dict) }}
- name: {{ printf "%s_%s" $prefix (get $suffix .) }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.database.%s.existingSecret is required" $service .) $dsn.existingSecret }}
      key: {{ required (printf "%s.database.%s.key is required" $service .) $dsn.key }}
{{- end }}
{{- end -}}

{{/*
Secret env vars of one service: secretEnv maps env var -> key in the service's existingSecret.
Input: dict "service" <name> "values" <service values>
*/}}
{{- define "batchivo.secretEnv" -}}
{{- $values := .values -}}
{{- $service := .service -}}
{{- range $env, $key := $values.secretEnv | default (dict) }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.existingSecret is required by %s.secretEnv" $service $service) $values.existingSecret }}
      key: {{ $key }}
{{- end }}
{{- end -}}

{{/*
Plain env vars from a map. Input: the map.
*/}}
{{- define "batchivo.plainEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/*
Shallow override of a map, key by key: `set` keeps false/0 (sprig merge would drop them).
Input: dict "base" <map> "override" <map>. Returns YAML; use with fromYaml.
*/}}
{{- define "batchivo.overlay" -}}
{{- $out := deepCopy (.base | default (dict)) -}}
{{- range $key, $value := .override | default (dict) -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Pod and container security contexts: global defaults, overridden key by key per component.
Input: dict "root" $ "values" <component values>
*/}}
{{- define "batchivo.podSecurityContext" -}}
{{- include "batchivo.overlay" (dict "base" .root.Values.global.podSecurityContext "override" .values.podSecurityContext) -}}
{{- end -}}

{{- define "batchivo.containerSecurityContext" -}}
{{- include "batchivo.overlay" (dict "base" .root.Values.global.containerSecurityContext "override" .values.containerSecurityContext) -}}
{{- end -}}

{{/*
The /tmp emptyDir every container gets (the root filesystem is read-only).
*/}}
{{- define "batchivo.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.global.tmpSizeLimit | quote }}
{{- end -}}

{{- define "batchivo.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
Deliberate exceptions to the manifest policy scan (checkov, run by `make lint` on every rendered value
set), each with its reason, written on the workload they concern, plus the release-wide exceptions of
`global.policyExceptions` (check id -> reason; values-dev.yaml uses it). Input: dict "root" $ and
"images", the list of image values of the workload's containers.
*/}}
{{- define "batchivo.policySkips" -}}
{{- $pullsAlways := true -}}
{{- $pinned := true -}}
{{- range $image := .images -}}
{{- if ne $image.pullPolicy "Always" }}{{ $pullsAlways = false }}{{ end -}}
{{- if not $image.digest }}{{ $pinned = false }}{{ end -}}
{{- end }}
checkov.io/skip1: "CKV_K8S_11=No CPU limit on purpose: CFS throttling adds tail latency; CPU requests reserve capacity and the HPA scales on them"
checkov.io/skip2: "CKV_K8S_35=Settings are read from env vars (pydantic-settings); secret values come only through secretKeyRef from existing Secrets, never from the manifest"
{{- if not $pullsAlways }}
checkov.io/skip3: "CKV_K8S_15=Release images are immutable (CI pushes each tag once, signed) and can be pinned by digest, so IfNotPresent is safe and spares a registry call per pod start"
{{- end }}
{{- if not $pinned }}
checkov.io/skip4: "CKV_K8S_43=Tags by default for readability; production pins image.digest (charts/batchivo/ci/values-production.yaml is scanned with digests)"
{{- end }}
{{- $index := 5 }}
{{- range $id, $reason := .root.Values.global.policyExceptions }}
checkov.io/skip{{ $index }}: {{ printf "%s=%s" $id $reason | quote }}
{{- $index = add1 $index }}
{{- end }}
{{- end -}}

{{/*
Object storage env of a service (BATCHIVO_STORAGE_*, BATCHIVO_S3_*), as a YAML list for the component's
`extraEnv`; the S3 keys come from `storage.s3.existingSecret` by secretKeyRef, never from values.
Input: dict "service" (the values key, for messages) "storage" (its `storage` block).
*/}}
{{- define "batchivo.storageEnv" -}}
{{- $s := .storage -}}
- name: BATCHIVO_STORAGE_BACKEND
  value: {{ $s.backend | quote }}
{{- if eq $s.backend "local" }}
- name: BATCHIVO_STORAGE_LOCAL_ROOT
  value: {{ required (printf "%s.storage.localRoot is required by the local backend" .service) $s.localRoot | quote }}
{{- else }}
{{- $s3 := required (printf "%s.storage.s3 is required by the s3 backend" .service) $s.s3 }}
- name: BATCHIVO_S3_ENDPOINT
  value: {{ $s3.endpoint | quote }}
- name: BATCHIVO_S3_BUCKET
  value: {{ $s3.bucket | quote }}
- name: BATCHIVO_S3_SECURE
  value: {{ $s3.secure | default false | toString | quote }}
{{- with $s3.region }}
- name: BATCHIVO_S3_REGION
  value: {{ . | quote }}
{{- end }}
- name: BATCHIVO_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.storage.s3.existingSecret is required by the s3 backend" .service) $s3.existingSecret }}
      key: {{ $s3.accessKeyKey }}
- name: BATCHIVO_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $s3.existingSecret }}
      key: {{ $s3.secretKeyKey }}
{{- end }}
{{- end -}}
