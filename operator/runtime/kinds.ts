/**
 * Kinds as the API addresses them: the machinery knows a kind by its apiVersion, kind and plural
 * (the resource name in URLs), and nothing of what the operator does with it.
 */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface Kind extends KindRef {
  /** The resource name in URLs. */
  readonly plural: string;
}

/** `apiVersion/kind`, the key of a kind in maps. */
export function kindKey(object: KindRef): string {
  return `${object.apiVersion}/${object.kind}`;
}

/** Where a group version is served: its discovery document, and the root of its resources. */
export function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The collection URL of a kind, in one namespace or (namespace undefined) across all of them. */
export function collectionPath(kind: Pick<Kind, 'apiVersion' | 'plural'>, namespace?: string): string {
  const root = apiVersionPath(kind.apiVersion);
  return namespace === undefined ? `${root}/${kind.plural}` : `${root}/namespaces/${namespace}/${kind.plural}`;
}

export function objectPath(
  kind: Pick<Kind, 'apiVersion' | 'plural'>,
  namespace: string,
  name: string,
  subresource?: string,
): string {
  const path = `${collectionPath(kind, namespace)}/${name}`;
  return subresource === undefined ? path : `${path}/${subresource}`;
}
