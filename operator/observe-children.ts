/**
 * The KafkaReady, DatabaseReady and AirflowReady conditions, from the live children as cached:
 * KafkaTopics' Ready condition (or the Kafka admin API in external mode), the StatefulSet's ready
 * replicas, the Airflow Deployments' available replicas. Pure, so a steady cluster always yields
 * the same conditions and the status is not rewritten.
 */
import type { KubernetesObject } from '../charts/pipeline-chart.ts';
import type { PipelineContext } from '../charts/pipeline-context.ts';
import type { ObservedCondition } from './conditions.ts';
import type { JsonObject } from './runtime/kube-api.ts';

export type LiveLookup = (desired: KubernetesObject) => JsonObject | undefined;

interface StatusCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function conditionsOf(object: JsonObject | undefined): StatusCondition[] {
  return (object?.status as { conditions?: StatusCondition[] } | undefined)?.conditions ?? [];
}

function ofKind(desired: readonly KubernetesObject[], kind: string): KubernetesObject[] {
  return desired.filter((object) => object.kind === kind);
}

function condition(
  type: string,
  problems: string[],
  ok: { reason: string; message: string },
  notReason: string,
): ObservedCondition {
  return problems.length === 0
    ? { type, status: 'True', ...ok }
    : { type, status: 'False', reason: notReason, message: problems.join('; ') };
}

export interface ExternalTopicsState {
  ready: boolean;
  message: string;
}

export function kafkaCondition(
  ctx: PipelineContext,
  desired: readonly KubernetesObject[],
  live: LiveLookup,
  external: ExternalTopicsState | undefined,
): ObservedCondition {
  if (ctx.kafka.mode === 'external') {
    return external?.ready
      ? { type: 'KafkaReady', status: 'True', reason: 'TopicsReady', message: external.message }
      : {
          type: 'KafkaReady',
          status: 'False',
          reason: 'TopicsUnavailable',
          message: external?.message ?? 'not checked yet',
        };
  }
  const problems = ofKind(desired, 'KafkaTopic').flatMap((topic) => {
    const ready = conditionsOf(live(topic)).find((entry) => entry.type === 'Ready');
    if (ready?.status === 'True') return [];
    const why = ready ? [ready.reason, ready.message].filter(Boolean).join(': ') || 'not ready' : 'not ready yet';
    return [`KafkaTopic ${topic.metadata.name}: ${why}`];
  });
  return condition(
    'KafkaReady',
    problems,
    { reason: 'TopicsReady', message: `topics ${ctx.topic} and ${ctx.deadLetterTopic} are ready` },
    'TopicsNotReady',
  );
}

export function databaseCondition(
  ctx: PipelineContext,
  desired: readonly KubernetesObject[],
  live: LiveLookup,
): ObservedCondition {
  if (ctx.postgres.mode === 'external') {
    const { host, port } = ctx.postgresConnection;
    return {
      type: 'DatabaseReady',
      status: 'True',
      reason: 'External',
      message: `external PostgreSQL at ${host}:${port}; the consumer checks it when it runs`,
    };
  }
  const problems = ofKind(desired, 'StatefulSet').flatMap((statefulSet) => {
    const object = live(statefulSet);
    const wanted = (statefulSet.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const ready = (object?.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
    return ready >= wanted ? [] : [`StatefulSet ${statefulSet.metadata.name}: ${ready}/${wanted} ready`];
  });
  return condition(
    'DatabaseReady',
    problems,
    { reason: 'StatefulSetReady', message: `PostgreSQL ${ctx.postgresName} is ready` },
    'StatefulSetNotReady',
  );
}

export function airflowCondition(
  ctx: PipelineContext,
  desired: readonly KubernetesObject[],
  live: LiveLookup,
): ObservedCondition {
  if (!ctx.spec.airflow.enabled) {
    return { type: 'AirflowReady', status: 'True', reason: 'Disabled', message: 'spec.airflow.enabled is false' };
  }
  const problems = ofKind(desired, 'Deployment')
    .filter((deployment) => deployment.metadata.labels?.['app.kubernetes.io/component']?.startsWith('airflow'))
    .flatMap((deployment) => {
      const object = live(deployment);
      const wanted = (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      const status = (object?.status ?? {}) as { availableReplicas?: number; observedGeneration?: number };
      const available = status.availableReplicas ?? 0;
      // A Deployment's Available condition is True with maxUnavailable pods missing: count replicas instead.
      const current = object !== undefined && (status.observedGeneration ?? 0) >= (object.metadata?.generation ?? 0);
      return current && available >= wanted
        ? []
        : [`Deployment ${deployment.metadata.name}: ${available}/${wanted} available`];
    });
  return condition(
    'AirflowReady',
    problems,
    { reason: 'DeploymentsAvailable', message: 'Airflow is available' },
    'DeploymentsNotAvailable',
  );
}

/** Ready sums up the three: the reason and message of the first that is not ready. */
export function readyCondition(parts: readonly ObservedCondition[]): ObservedCondition {
  const notReady = parts.filter((part) => part.status !== 'True');
  if (notReady.length === 0) {
    return { type: 'Ready', status: 'True', reason: 'Ready', message: 'Kafka, the database and Airflow are ready' };
  }
  return {
    type: 'Ready',
    status: 'False',
    reason: notReady[0]!.type.replace(/Ready$/, 'NotReady'),
    message: notReady.map((part) => `${part.type}: ${part.message}`).join('; '),
  };
}
