{{/*
Names, labels and the settings several templates share.
*/}}

{{- define "taskora.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's base name: <release>-taskora, or the release name alone when it already holds the chart name. */}}
{{- define "taskora.fullname" -}}
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

{{/* A component's object name: taskora.componentName (dict "root" $ "component" "backend") */}}
{{- define "taskora.componentName" -}}
{{- printf "%s-%s" (include "taskora.fullname" .root | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "taskora.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: name + instance (+ component). They never change between releases. */}}
{{- define "taskora.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskora.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels: taskora.labels (dict "root" $ "component" "backend") */}}
{{- define "taskora.labels" -}}
helm.sh/chart: {{ include "taskora.chart" .root }}
{{ include "taskora.selectorLabels" . }}
app.kubernetes.io/part-of: taskora
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The labels for objects that belong to the release as a whole (no component). */}}
{{- define "taskora.releaseLabels" -}}
helm.sh/chart: {{ include "taskora.chart" . }}
app.kubernetes.io/name: {{ include "taskora.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: taskora
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* image reference: taskora.image (dict "image" .Values.backend.image "root" $). Never "latest". */}}
{{- define "taskora.image" -}}
{{- $tag := .image.tag | default .root.Chart.AppVersion | toString -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "image %s: the tag \"latest\" is not allowed; set an immutable tag with --set <component>.image.tag=..." .image.repository) -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s:%s@%s" .image.repository $tag .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding database-password, jwt-secret, mcp-service-token and llm-api-key. */}}
{{- define "taskora.secretName" -}}
{{- if .Values.existingSecret -}}
{{- .Values.existingSecret -}}
{{- else -}}
{{- include "taskora.fullname" . -}}
{{- end -}}
{{- end -}}

{{- define "taskora.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "taskora.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "taskora.postgresql.host" -}}
{{- include "taskora.componentName" (dict "root" . "component" "postgresql") -}}
{{- end -}}

{{/*
DATABASE_URL (and what it needs) as container env entries, for the backend, the MCP server and
the migration Job: taskora.databaseEnv (dict "root" $ "migrationHook" false). Built-in PostgreSQL: the password comes from the Secret and is put into the
URL by Kubernetes' $(VAR) expansion, so it must be URL-safe (generated passwords are).
External database: the whole URL from externalDatabase.existingSecret, or from the chart's
Secret (key database-url) when externalDatabase.url is given; the migration Job then reads a
hook copy of it, since a pre-upgrade hook runs before the release's own Secret is updated.
*/}}
{{- define "taskora.databaseEnv" -}}
{{- $urlSecret := printf "%s-database" (include "taskora.fullname" .root) -}}
{{- if .migrationHook }}{{ $urlSecret = printf "%s-migrations-db" (include "taskora.fullname" .root) }}{{ end -}}
{{- with .root }}
{{- if .Values.postgresql.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "taskora.secretName" . }}
      key: database-password
- name: DATABASE_URL
  value: {{ printf "postgresql://%s:$(DATABASE_PASSWORD)@%s:%d/%s" .Values.postgresql.auth.username (include "taskora.postgresql.host" .) (int .Values.postgresql.service.port) .Values.postgresql.auth.database | quote }}
{{- else if .Values.externalDatabase.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalDatabase.existingSecret }}
      key: {{ .Values.externalDatabase.existingSecretUrlKey }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $urlSecret }}
      key: database-url
{{- end }}
{{- end }}
{{- end -}}

{{/* An env entry from the app Secret: taskora.secretEnv (dict "root" $ "name" "JWT_SECRET" "key" "jwt-secret") */}}
{{- define "taskora.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "taskora.secretName" .root }}
      key: {{ .key }}
{{- end -}}

{{/* Pod-level settings every pod of the chart shares. */}}
{{- define "taskora.podCommon" -}}
automountServiceAccountToken: false
serviceAccountName: {{ include "taskora.serviceAccountName" . }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Values that contradict each other stop the render with one clear line. */}}
{{- define "taskora.validate" -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.externalDatabase.url) (not .Values.externalDatabase.existingSecret) -}}
{{- fail "postgresql.enabled=false needs an external database: set externalDatabase.existingSecret (a Secret with the URL) or externalDatabase.url" -}}
{{- end -}}
{{- if and .Values.postgresql.enabled (or .Values.externalDatabase.url .Values.externalDatabase.existingSecret) -}}
{{- fail "externalDatabase.* is set while postgresql.enabled=true: set postgresql.enabled=false to use the external database, or drop externalDatabase" -}}
{{- end -}}
{{- if and .Values.externalDatabase.url .Values.externalDatabase.existingSecret -}}
{{- fail "set only one of externalDatabase.url and externalDatabase.existingSecret" -}}
{{- end -}}
{{- if and .Values.kagent.enabled .Values.existingSecret (eq .Values.kagent.modelConfig.apiKeySecret .Values.existingSecret) -}}
{{- fail "kagent.modelConfig.apiKeySecret names the app's Secret (existingSecret): the agent's key lives in a Secret of its own (ai-ops kagent-setup creates RELEASE-kagent-llm)" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) -}}
{{- fail "ingress.enabled=true needs ingress.host (for example taskora.local)" -}}
{{- end -}}
{{- /* Production TLS without a certificate of its own would silently serve the controller's
default one, which no browser trusts for a public name. Local names (.local, .localhost, .test)
can have no public certificate anyway: there the default one is the expected choice. */ -}}
{{- $tls := .Values.ingress.tls -}}
{{- if and .Values.ingress.enabled $tls.enabled (not $tls.secretName) (not $tls.controllerDefaultCertificate) (eq .Values.appEnv "production") (not (regexMatch "(^|\\.)(local|localhost|test)$" (lower .Values.ingress.host))) -}}
{{- fail (printf "ingress.tls.enabled=true with appEnv=production needs ingress.tls.secretName: without it the ingress controller serves its default certificate, which browsers reject for %s. Get a certificate: with cert-manager, add the annotation cert-manager.io/cluster-issuer=<issuer> under ingress.annotations and set ingress.tls.secretName=taskora-tls (cert-manager fills that Secret); or create one from your files (kubectl create secret tls taskora-tls --cert=tls.crt --key=tls.key -n %s) and set ingress.tls.secretName=taskora-tls. To serve the controller's default certificate anyway, set ingress.tls.controllerDefaultCertificate=true" .Values.ingress.host .Release.Namespace) -}}
{{- end -}}
{{- end -}}

{{/* A PodDisruptionBudget when a component runs more than one pod: taskora.pdb (dict "root" $ "component" "backend" "values" .Values.backend) */}}
{{- define "taskora.pdb" -}}
{{- $v := .values -}}
{{- $replicas := int $v.replicaCount -}}
{{- if and $v.autoscaling $v.autoscaling.enabled }}{{ $replicas = int $v.autoscaling.minReplicas }}{{ end -}}
{{- if gt $replicas 1 }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "taskora.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "taskora.labels" . | nindent 4 }}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      {{- include "taskora.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* An optional HorizontalPodAutoscaler: taskora.hpa (dict "root" $ "component" "backend" "values" .Values.backend) */}}
{{- define "taskora.hpa" -}}
{{- $a := .values.autoscaling -}}
{{- if $a.enabled }}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) }}
{{- fail (printf "%s.autoscaling: minReplicas (%d) is above maxReplicas (%d)" .component (int $a.minReplicas) (int $a.maxReplicas)) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "taskora.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "taskora.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "taskora.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* A NetworkPolicy peer: the pods of one component of this release. */}}
{{- define "taskora.peer" -}}
- podSelector:
    matchLabels:
      {{- include "taskora.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* The egress rule towards the database: the built-in PostgreSQL pods on postgresql.containerPort,
     or externalDatabase.egressCIDR on externalDatabase.port. */}}
{{- define "taskora.databaseEgress" -}}
{{- if .Values.postgresql.enabled }}
- to:
    {{- include "taskora.peer" (dict "root" . "component" "postgresql") | nindent 4 }}
  ports:
    - protocol: TCP
      port: {{ .Values.postgresql.containerPort }}
{{- else }}
- to:
    {{- include "taskora.egressBlock" (dict "root" . "cidr" .Values.externalDatabase.egressCIDR) | nindent 4 }}
  ports:
    - protocol: TCP
      port: {{ .Values.externalDatabase.port }}
{{- end }}
{{- end -}}

{{/* An ipBlock towards something outside the cluster (the LLM, an external database):
     taskora.egressBlock (dict "root" $ "cidr" "0.0.0.0/0"). A 0.0.0.0/0 block leaves out
     networkPolicy.privateRanges and the API server's addresses (its Service and endpoints, looked
     up at install time) unless networkPolicy.privateEgress: a port opened to "anywhere" must not
     open the cluster's own API server and the LAN on that port. A narrower CIDR is taken as given. */}}
{{- define "taskora.egressBlock" -}}
{{- $np := .root.Values.networkPolicy -}}
- ipBlock:
    cidr: {{ .cidr | quote }}
    {{- if and (eq .cidr "0.0.0.0/0") (not $np.privateEgress) }}
    {{- $except := list -}}
    {{- range $np.privateRanges }}{{ $except = append $except . }}{{ end -}}
    {{- $svc := lookup "v1" "Service" "default" "kubernetes" -}}
    {{- if and $svc $svc.spec $svc.spec.clusterIP (not (contains ":" $svc.spec.clusterIP)) }}{{ $except = append $except (printf "%s/32" $svc.spec.clusterIP) }}{{ end -}}
    {{- $ep := lookup "v1" "Endpoints" "default" "kubernetes" -}}
    {{- range (($ep | default dict).subsets | default list) }}
    {{- range (.addresses | default list) }}
    {{- if not (contains ":" .ip) }}{{ $except = append $except (printf "%s/32" .ip) }}{{ end -}}
    {{- end }}
    {{- end }}
    {{- with ($except | uniq) }}
    except:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- end }}
{{- end -}}

{{/* A helm test pod running one files/tests/*.py with the backend image, after
     files/tests/wait_for_services.py (its first connections may be refused for a moment):
     taskora.testPod (dict "root" $ "name" "backend-ready" "script" "backend_ready.py" "env" (list ...)) */}}
{{- define "taskora.testPod" -}}
{{- $root := .root -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "taskora.fullname" $root }}-test-{{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "taskora.podLabels" (dict "root" $root "component" "helm-test" "values" dict) | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  {{- include "taskora.podCommon" $root | nindent 2 }}
  restartPolicy: Never
  activeDeadlineSeconds: {{ $root.Values.tests.timeoutSeconds }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: test
      image: {{ include "taskora.image" (dict "image" $root.Values.backend.image "root" $root) | quote }}
      imagePullPolicy: {{ $root.Values.backend.image.pullPolicy }}
      securityContext:
        {{- toYaml $root.Values.containerSecurityContext | nindent 8 }}
      command: ["python", "-c", {{ printf "%s\n%s" ($root.Files.Get "files/tests/wait_for_services.py") ($root.Files.Get (printf "files/tests/%s" .script)) | quote }}]
      env:
        - name: PYTHONDONTWRITEBYTECODE
          value: "1"
        {{- toYaml .env | nindent 8 }}
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
          ephemeral-storage: 16Mi
        limits:
          cpu: 200m
          memory: 128Mi
          ephemeral-storage: 64Mi
{{- end -}}

{{/*
The generated Secret's data (base64), computed once per render and shared by every template
that needs it (the Secret, and the checksum/secret of the pods): the values already in the
cluster when there are (lookup), else new random ones, plus llm.apiKey when given.
*/}}
{{- define "taskora.generatedSecretData" -}}
{{- if not (hasKey .Values "__generatedSecretData") -}}
{{- $old := lookup "v1" "Secret" .Release.Namespace (include "taskora.fullname" .) -}}
{{- $prev := dict -}}
{{- if $old }}{{ $prev = $old.data | default dict }}{{ end -}}
{{- $data := dict
      "database-password" (get $prev "database-password" | default (randAlphaNum 32 | b64enc))
      "jwt-secret" (get $prev "jwt-secret" | default (randAlphaNum 48 | b64enc))
      "mcp-service-token" (get $prev "mcp-service-token" | default (randAlphaNum 48 | b64enc))
      "llm-api-key" (.Values.llm.apiKey | default "" | b64enc | default (get $prev "llm-api-key") | default "") -}}
{{- $_ := set .Values "__generatedSecretData" $data -}}
{{- end -}}
{{- range $k, $v := get .Values "__generatedSecretData" }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/*
A pod template's labels: the selector labels, part-of and managed-by, commonLabels and the
component's podLabels. Never the chart or app version: a chart-only release must leave the pod
templates as they are, or every release restarts every pod (PostgreSQL included).
taskora.podLabels (dict "root" $ "component" "backend" "values" .Values.backend)
*/}}
{{- define "taskora.podLabels" -}}
{{- $labels := dict "app.kubernetes.io/part-of" "taskora" "app.kubernetes.io/managed-by" .root.Release.Service -}}
{{- $labels = mergeOverwrite $labels (deepCopy (.root.Values.commonLabels | default dict)) (deepCopy (.values.podLabels | default dict)) -}}
{{- $labels = mergeOverwrite $labels (include "taskora.selectorLabels" . | fromYaml) -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
A checksum of a ConfigMap's data only (its labels carry the chart version, which must not roll
the pods): taskora.configChecksum (dict "root" $ "template" "/backend/configmap.yaml")
*/}}
{{- define "taskora.configChecksum" -}}
{{- (include (print .root.Template.BasePath .template) .root | fromYaml).data | toYaml | sha256sum -}}
{{- end -}}

{{/*
A pod's placement: nodeSelector, tolerations, affinity and topologySpreadConstraints (each
constraint without a labelSelector gets the component's selector labels).
taskora.scheduling (dict "root" $ "component" "backend" "values" .Values.backend)
*/}}
{{- define "taskora.scheduling" -}}
{{- $v := .values -}}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $v.topologySpreadConstraints }}
{{- $selector := dict "matchLabels" (include "taskora.selectorLabels" . | fromYaml) }}
{{- $constraints := list }}
{{- range $v.topologySpreadConstraints }}
{{- $constraint := deepCopy . }}
{{- if not (hasKey $constraint "labelSelector") }}{{ $_ := set $constraint "labelSelector" $selector }}{{ end }}
{{- $constraints = append $constraints $constraint }}
{{- end }}
topologySpreadConstraints:
  {{- toYaml $constraints | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The port the backend's LLM egress rule opens: networkPolicy.llmEgressPort, or else the port of
llm.baseUrl (its explicit port, else 443 for https and 80 for http), so that an
OpenAI-compatible server on another port (a local model server) is reachable.
*/}}
{{- define "taskora.llmPort" -}}
{{- if .Values.networkPolicy.llmEgressPort -}}
{{- .Values.networkPolicy.llmEgressPort -}}
{{- else -}}
{{- $u := urlParse .Values.llm.baseUrl -}}
{{- $port := regexFind ":[0-9]+$" $u.host | trimPrefix ":" -}}
{{- if $port -}}
{{- $port -}}
{{- else if eq $u.scheme "http" -}}
80
{{- else if eq $u.scheme "https" -}}
443
{{- else -}}
{{- fail (printf "llm.baseUrl %q: use an http:// or https:// URL (or set networkPolicy.llmEgressPort)" .Values.llm.baseUrl) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the kagent agent's LLM key: its own, never the app's (RELEASE-kagent-llm unless named). */}}
{{- define "taskora.kagentKeySecret" -}}
{{- .Values.kagent.modelConfig.apiKeySecret | default (printf "%s-kagent-llm" .Release.Name) -}}
{{- end -}}
