/**
 * Whether a live object already has every field we want it to have, so that applying would change
 * nothing and can be skipped: that is what makes a steady pipeline cost zero writes.
 *
 * The live object has more than we asked for (defaults, status, other managers' fields), so this
 * is a subset test: every value in `desired` must equal the live one; maps may have extra keys;
 * lists must match element by element. The API server leaves out empty lists, maps and strings
 * (a subject's `apiGroup: ""`, as cdk8s-plus writes it), so an empty one in `desired` matches an
 * absent one.
 */
export function desiredMatchesLive(desired: unknown, live: unknown): boolean {
  if (isEmptyCollection(desired) && (live === undefined || live === null || isEmptyCollection(live))) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((item, index) => desiredMatchesLive(item, live[index]))
    );
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return false;
    return Object.entries(desired).every(([key, value]) => desiredMatchesLive(value, live[key]));
  }
  return desired === live;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyCollection(value: unknown): boolean {
  return (
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );
}
