{{/*
Alembic migrations of one service as a pre-install/pre-upgrade hook Job, connecting as
<svc>_owner (the `owner` DSN). Runs after db-bootstrap (weight -20) and before the topology job
(weight -5); Helm waits for it, so new pods only ever start on a migrated schema.

Hook pods run under the namespace's default ServiceAccount with no token mounted: the chart's
ServiceAccounts are regular resources and do not exist yet at pre-install.

Input: dict "root" $ "service" <values key>
*/}}
{{- define "batchivo.migrationJob" -}}
{{- $root := .root -}}
{{- $service := .service -}}
{{- $svc := index $root.Values $service -}}
{{- $job := $svc.migrations | default (dict) -}}
{{- if and $svc.enabled $job.enabled -}}
{{- $id := include "batchivo.componentId" (dict "service" $service "process" "migrate") -}}
{{- $ctx := dict "root" $root "component" $id }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "batchivo.componentName" (dict "root" $root "service" $service "process" "migrate") }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "batchivo.labels" $ctx | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    {{- include "batchivo.policySkips" (dict "root" $root "images" (list $svc.image)) | nindent 4 }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $job.backoffLimit }}
  activeDeadlineSeconds: {{ $job.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "batchivo.labels" $ctx | nindent 8 }}
        batchivo.io/hook-job: "true"
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with $root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "batchivo.podSecurityContext" (dict "root" $root "values" $svc) | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "batchivo.image" (dict "root" $root "image" $svc.image) | quote }}
          imagePullPolicy: {{ $svc.image.pullPolicy }}
          command:
            {{- toYaml $job.command | nindent 12 }}
          env:
            {{- include "batchivo.commonEnv" $root | nindent 12 }}
            {{- with (include "batchivo.databaseEnv" (dict "service" $service "values" $svc "roles" (list "owner")) | trim) }}{{ . | nindent 12 }}{{- end }}
            {{- /* env.py builds the service's full settings object, which may insist on its secrets */}}
            {{- with (include "batchivo.secretEnv" (dict "service" $service "values" $svc) | trim) }}{{ . | nindent 12 }}{{- end }}
            {{- with (include "batchivo.plainEnv" ($svc.env | default (dict)) | trim) }}{{ . | nindent 12 }}{{- end }}
          resources:
            {{- toYaml $job.resources | nindent 12 }}
          securityContext:
            {{- include "batchivo.containerSecurityContext" (dict "root" $root "values" $svc) | nindent 12 }}
          volumeMounts:
            {{- include "batchivo.tmpVolumeMount" $root | nindent 12 }}
      volumes:
        {{- include "batchivo.tmpVolume" $root | nindent 8 }}
{{- end }}
{{- end -}}
