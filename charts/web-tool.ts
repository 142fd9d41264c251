/**
 * The shape the optional web tools (Kafka UI, pgAdmin) share: one replica of one unprivileged
 * container serving HTTP on a named port, and a Service in front of it. Each tool supplies only
 * what differs: image, environment, probe path, resources, volumes.
 *
 * The Deployment is the low-level class: cdk8s-plus's Deployment, with the fields it lacks set
 * through its escape hatch, made one pipeline's synthesis about 8 ms slower under the operator's
 * bytecode-only flags (bench/suites/synth.ts), past the 20 ms a reconcile may spend on it.
 */
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { podSecurityContext } from './security.ts';

export interface WebToolProps {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** The image's own unprivileged user and group. */
  readonly runAs: { user: number; group: number };
  readonly port: number;
  /** The container; its `ports` are set here (one port named `http`). */
  readonly container: Omit<k8s.Container, 'ports'>;
  readonly volumes: k8s.Volume[];
}

export function webTool(scope: Construct, props: WebToolProps): void {
  const { name, labels, selector } = props;
  new k8s.KubeDeployment(scope, 'deployment', {
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(props.runAs),
          containers: [{ ...props.container, ports: [{ name: 'http', containerPort: props.port }] }],
          volumes: props.volumes,
        },
      },
    },
  });
  new kplus.Service(scope, 'service', {
    metadata: { name, labels },
    selector: kplus.Pods.select(scope, 'pods', { labels: selector }),
    ports: [{ name: 'http', port: props.port, targetPort: props.port }],
  });
}
