/**
 * Every kind of object the operator creates for a pipeline, with where it lives in the API. The
 * operator watches each of them (to restore drift and observe readiness) and addresses them by
 * these paths; a unit test holds this list to what the charts emit.
 */
export interface OwnedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The resource name in URLs. */
  readonly plural: string;
}

export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
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
 * Not created by the operator, and not pruned: the pods Airflow's DAG runs leave, which it watches
 * and deletes once their run is in the status (operator/airflow-runs.ts).
 */
export const AIRFLOW_STEP_POD_KIND: OwnedKind = { apiVersion: 'v1', kind: 'Pod', plural: 'pods' };

/** `apiVersion/kind`, the key of a kind in maps. */
export function kindKey(object: { apiVersion: string; kind: string }): string {
  return `${object.apiVersion}/${object.kind}`;
}

export function ownedKind(object: { apiVersion: string; kind: string }): OwnedKind {
  const found = [...OWNED_KINDS, AIRFLOW_STEP_POD_KIND].find((candidate) => kindKey(candidate) === kindKey(object));
  if (!found) throw new Error(`the operator does not manage ${kindKey(object)}: add it to operator/owned-kinds.ts`);
  return found;
}

/** The collection URL of a kind, in one namespace or (namespace undefined) across all of them. */
export function collectionPath(kind: Pick<OwnedKind, 'apiVersion' | 'plural'>, namespace?: string): string {
  const root = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  return namespace === undefined ? `${root}/${kind.plural}` : `${root}/namespaces/${namespace}/${kind.plural}`;
}

export function objectPath(
  kind: Pick<OwnedKind, 'apiVersion' | 'plural'>,
  namespace: string,
  name: string,
  subresource?: string,
): string {
  const path = `${collectionPath(kind, namespace)}/${name}`;
  return subresource === undefined ? path : `${path}/${subresource}`;
}
