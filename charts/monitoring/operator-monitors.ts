/**
 * The Prometheus Operator's ServiceMonitor and PodMonitor (monitoring.coreos.com/v1) for the
 * operator's /metrics, for clusters whose Prometheus discovers targets through them.
 *
 * honorLabels: every pipeline series carries `namespace` and `pipeline` labels naming the pipeline;
 * without it Prometheus would overwrite `namespace` with the operator pod's and keep the pipeline's
 * as `exported_namespace`, so the alerts and the dashboard would group by the wrong namespace.
 */
import type { Labels } from '../labels.ts';

export interface MonitorTarget {
  /** The operator's namespace. */
  readonly namespace: string;
  /** The labels of the metrics Service (ServiceMonitor) or of the pods (PodMonitor). */
  readonly selector: Readonly<Labels>;
  /** The name of the port serving /metrics. */
  readonly port: string;
}

export interface MonitorOptions {
  /** How often Prometheus scrapes; its global interval when unset. */
  readonly interval?: string;
  /** Extra labels, for a Prometheus whose serviceMonitorSelector or podMonitorSelector wants them. */
  readonly labels?: Readonly<Labels>;
}

function monitor(kind: string, target: MonitorTarget, options: MonitorOptions, name: string) {
  const endpoint = {
    port: target.port,
    path: '/metrics',
    honorLabels: true,
    ...(options.interval === undefined ? {} : { interval: options.interval }),
  };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind,
    metadata: {
      name,
      namespace: target.namespace,
      ...(options.labels === undefined ? {} : { labels: { ...options.labels } }),
    },
    spec: {
      selector: { matchLabels: { ...target.selector } },
      namespaceSelector: { matchNames: [target.namespace] },
      [kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints']: [endpoint],
    },
  };
}

export const serviceMonitor = (name: string, target: MonitorTarget, options: MonitorOptions = {}) =>
  monitor('ServiceMonitor', target, options, name);

export const podMonitor = (name: string, target: MonitorTarget, options: MonitorOptions = {}) =>
  monitor('PodMonitor', target, options, name);
