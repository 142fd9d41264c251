/**
 * zod's OpenAPI 3.0 JSON Schema, narrowed to what a CRD accepts: a structural schema. zod writes a
 * few things the apiserver refuses or that only add noise there:
 * - `additionalProperties: false` (forbidden beside `properties`; unknown fields are pruned or,
 *   with strict field validation, rejected anyway);
 * - the ±(2^53 - 1) bounds of `z.int()` (JavaScript's limit, not the API's);
 * - the `pattern` zod adds beside `format: date`/`date-time`, which uses look-arounds RE2 lacks
 *   (the format alone validates the value).
 * And it completes object defaults (see completeDefault).
 */
type JsonSchema = { [key: string]: unknown };

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function narrow(node: JsonSchema): JsonSchema {
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'pattern' && (node.format === 'date' || node.format === 'date-time')) continue;
    if (key === 'properties' && isObject(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, isObject(child) ? completeDefault(narrow(child)) : child]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      result[key] = narrow(value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * An object's default with its fields' defaults filled in, recursively. The apiserver validates a
 * default, CEL rules included, as written, before defaulting inside it: `default: {}` on an object
 * whose rules read `self.mode` fails with "no such key: mode".
 */
function completeDefault(node: JsonSchema): JsonSchema {
  if (!isObject(node.default) || !isObject(node.properties)) return node;
  const filled: JsonSchema = { ...node.default };
  for (const [name, child] of Object.entries(node.properties)) {
    if (filled[name] === undefined && isObject(child) && child.default !== undefined) filled[name] = child.default;
  }
  return { ...node, default: filled };
}

export function structuralSchema(jsonSchema: JsonSchema): JsonSchema {
  return completeDefault(narrow(jsonSchema));
}
