{{/* Labels of every object: the component's name, the project it is part of, who manages it. */}}
{{- define "kit.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: {{ .root.Values.name }}
app.kubernetes.io/managed-by: ag2-sdlc
{{- end -}}

{{/* The pod spec shared by Deployments, Jobs and CronJobs (item: a component or a batch). */}}
{{- define "kit.pod" -}}
{{- $root := .root -}}
{{- $item := .item -}}
serviceAccountName: {{ $root.Values.name }}
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: {{ $root.Values.uid }}
  runAsGroup: {{ $root.Values.uid }}
  fsGroup: {{ $root.Values.uid }}
  seccompProfile:
    type: RuntimeDefault
containers:
  - name: app
    image: "{{ $root.Values.image.repository }}:{{ $root.Values.image.tag }}"
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    args: {{ toJson $item.args }}
    {{- if .probes }}
    ports:
      - name: http
        containerPort: {{ $root.Values.port }}
        protocol: TCP
    {{- end }}
    envFrom:
      - configMapRef:
          name: {{ $root.Values.name }}-config
    {{- with $item.secretEnv }}
    env:
      {{- range . }}
      - name: {{ .env }}
        valueFrom:
          secretKeyRef:
            name: {{ $root.Values.secretName }}
            key: {{ .key }}
      {{- end }}
    {{- end }}
    resources:
      {{- toYaml $root.Values.resources | nindent 6 }}
    {{- if .probes }}
    readinessProbe:
      httpGet:
        path: {{ $item.readyPath | quote }}
        port: {{ $root.Values.port }}
      initialDelaySeconds: 5
      periodSeconds: 10
      timeoutSeconds: 3
    livenessProbe:
      httpGet:
        path: {{ $item.healthPath | quote }}
        port: {{ $root.Values.port }}
      initialDelaySeconds: 15
      periodSeconds: 20
      timeoutSeconds: 3
      failureThreshold: 3
    {{- end }}
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop: ["ALL"]
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      {{- range $item.mounts }}
      - name: {{ .name }}
        mountPath: {{ .path }}
        {{- if .readOnly }}
        readOnly: true
        {{- end }}
      {{- end }}
volumes:
  - name: tmp
    emptyDir: {}
  {{- range $item.mounts }}
  - name: {{ .name }}
    {{- if .claim }}
    persistentVolumeClaim:
      claimName: {{ .claim }}
    {{- else }}
    emptyDir: {}
    {{- end }}
  {{- end }}
{{- end -}}
