/**
 * Only the pipeline's own pods reach its PostgreSQL. Its managed Kafka is fenced the same way by
 * Strimzi, from the listener's networkPolicyPeers (charts/kafka-construct.ts); a Strimzi or external
 * cluster belongs to someone else, who fences it.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { instanceSelector } from './labels.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { POSTGRES_COMPONENT, POSTGRES_PORT } from './postgres-construct.ts';

export class NetworkPoliciesConstruct extends Construct {
  constructor(scope: Construct, id: string, ctx: PipelineContext) {
    super(scope, id);
    if (ctx.postgres.mode !== 'managed') return;
    new k8s.KubeNetworkPolicy(this, 'postgres', {
      metadata: {
        name: ctx.objectName('postgres-ingress'),
        labels: { ...ctx.labels, ...ctx.selector(POSTGRES_COMPONENT) },
      },
      spec: {
        podSelector: { matchLabels: ctx.selector(POSTGRES_COMPONENT) },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: instanceSelector(ctx.name) } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(POSTGRES_PORT) }],
          },
        ],
      },
    });
  }
}
