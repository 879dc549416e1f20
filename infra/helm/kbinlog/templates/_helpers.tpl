{{/* Chart name, overridable. */}}
{{- define "kbinlog.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: the release name, or <release>-<chart> when the release name lacks the chart's. */}}
{{- define "kbinlog.fullname" -}}
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

{{/* Labels on every resource. */}}
{{- define "kbinlog.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kbinlog
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "node"). */}}
{{- define "kbinlog.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kbinlog.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Kafka bootstrap servers: the Strimzi cluster's bootstrap Service, or the external list. */}}
{{- define "kbinlog.kafkaBrokers" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap:9092" (include "kbinlog.strimziName" .) -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required unless kafka.strimzi.enabled" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "kbinlog.strimziName" -}}
{{- default (printf "%s-kafka" (include "kbinlog.fullname" .)) .Values.kafka.strimzi.name -}}
{{- end -}}

{{- define "kbinlog.secretName" -}}
{{- default (printf "%s-secrets" (include "kbinlog.fullname" .)) .Values.mariadb.auth.existingSecret -}}
{{- end -}}

{{- define "kbinlog.coordinatorServiceAccount" -}}
{{- default (printf "%s-coordinator" (include "kbinlog.fullname" .)) .Values.coordinator.serviceAccount.name -}}
{{- end -}}

{{/* The node's headless Service: the StatefulSet's serviceName, giving each pod a DNS name. */}}
{{- define "kbinlog.nodesHeadless" -}}
{{- printf "%s-nodes" (include "kbinlog.fullname" .) -}}
{{- end -}}

{{/* image: (dict "image" .Values.node.image "root" $) */}}
{{- define "kbinlog.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* Prometheus scrape annotations: (dict "root" $ "port" 8081) */}}
{{- define "kbinlog.metricsAnnotations" -}}
{{- if .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Preferred spreading of a component's pods over Kubernetes nodes. */}}
{{- define "kbinlog.spread" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "kbinlog.selectorLabels" . | nindent 12 }}
{{- end -}}
