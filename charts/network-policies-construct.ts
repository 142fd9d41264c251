/**
 * Only the pipeline's own pods reach its PostgreSQL. Its managed Kafka is fenced the same way by
 * Strimzi, from the listener's networkPolicyPeers (charts/kafka-construct.ts); a Strimzi or external
 * cluster belongs to someone else, who fences it.
 */
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Labels } from './labels.ts';
import { POSTGRES_PORT } from './postgres-construct.ts';

export interface NetworkPoliciesProps {
  /** Of the policy fencing the managed PostgreSQL. */
  readonly postgresPolicyName: string;
  /** The pipeline's labels; the server's selector is added to them. */
  readonly labels: Labels;
  /** Selects the managed PostgreSQL's pod. */
  readonly postgresSelector: Labels;
  /** Selects every pod of the pipeline: the only clients let in. */
  readonly pipelineSelector: Labels;
}

export class NetworkPoliciesConstruct extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const policy = new kplus.NetworkPolicy(this, 'postgres', {
      metadata: { name: props.postgresPolicyName, labels: { ...props.labels, ...props.postgresSelector } },
      selector: kplus.Pods.select(this, 'postgres-pods', { labels: props.postgresSelector }),
    });
    policy.addIngressRule(kplus.Pods.select(this, 'pipeline-pods', { labels: props.pipelineSelector }), [
      kplus.NetworkPolicyPort.tcp(POSTGRES_PORT),
    ]);
  }
}
