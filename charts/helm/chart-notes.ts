/** NOTES.txt: what Helm prints after an install or upgrade, a template itself. */
import { KIND, SHORT_NAMES } from '../../contract/recall-pipeline/group.ts';
import { METRICS_PORT, METRICS_SERVICE, OPERATOR_NAME } from '../operator-install.ts';

export function chartNotes(): string {
  const short = SHORT_NAMES[0];
  return `The ${KIND} operator runs in namespace {{ .Release.Namespace }} and reconciles the pipelines of
{{- if .Values.watchNamespaces }} the namespaces {{ join ", " .Values.watchNamespaces }}.
{{- else }} every namespace.
{{- end }}

  kubectl rollout status deployment/${OPERATOR_NAME} -n {{ .Release.Namespace }}

Create a pipeline (examples: manifests/samples/ in the project), then wait for its first load:

  kubectl apply -f my-pipeline.yaml
  kubectl wait --for=condition=Ready ${short}/NAME --timeout=15m
  kubectl get ${short}
  kubectl recall status NAME        # the kubectl-recall plugin: status, run, logs, psql, airflow
{{- if .Values.metrics.service.enabled }}

Metrics: service/${METRICS_SERVICE}, port ${METRICS_PORT}, path /metrics.
{{- end }}

Upgrading the chart does not upgrade the CRD (Helm never touches crds/ after the first install):
apply crds/ with kubectl first, as the project's README says.
`;
}
