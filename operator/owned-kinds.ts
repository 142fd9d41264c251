import { API_GROUP_VERSION, KIND, PLURAL } from '../contract/recall-pipeline/group.ts';
import type { Kind } from './runtime/kinds.ts';

/** A run's steps. */
export const JOB_KIND: Kind = { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' };

/**
 * Every kind of object the operator creates for a pipeline, with where it lives in the API. The
 * operator watches each of them (to restore drift and observe readiness) and addresses them by
 * these paths; a unit test holds this list to what the charts emit.
 */
export const OWNED_KINDS: readonly Kind[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  JOB_KIND,
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies' },
  // No longer created (Airflow's RoleBinding names the install's ClusterRole), still watched so the
  // per-pipeline Roles earlier versions made are pruned.
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings' },
  { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', plural: 'kafkas' },
  { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', plural: 'kafkanodepools' },
  { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', plural: 'kafkatopics' },
];

/**
 * Not created by the operator, and not pruned: the pods of a run's Jobs, whose reports it reads,
 * and the pods Airflow's DAG runs leave, which it watches and deletes once their run is in the
 * status (operator/airflow-runs.ts).
 */
export const POD_KIND: Kind = { apiVersion: 'v1', kind: 'Pod', plural: 'pods' };
export const AIRFLOW_STEP_POD_KIND = POD_KIND;

/** The pipelines themselves. */
export const PIPELINE_KIND: Kind = { apiVersion: API_GROUP_VERSION, kind: KIND, plural: PLURAL };

/** Every kind the operator reads or writes: its client addresses them without asking the API. */
export const OPERATOR_KINDS: readonly Kind[] = [PIPELINE_KIND, ...OWNED_KINDS, POD_KIND];
