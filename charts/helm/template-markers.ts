/**
 * Helm templates written by the cdk8s chart itself: the generator hands the chart marker strings
 * where values go, synthesizes YAML as usual, then turns each marker into Helm's template syntax.
 * The chart's code stays the one description of the install; only the places values enter are
 * marked.
 *
 * A marker is `«kind:expression»`; `expression` is a Go template pipeline (`$.Values.replicas`).
 * - `«=expr»` anywhere inside a string: `{{ expr }}`.
 * - A whole value (`key: «raw:expr»`): `raw` renders `{{ expr }}` unquoted (numbers, booleans);
 *   `quote` renders `{{ expr | quote }}`; `yaml` renders the value's YAML under the key; `with`
 *   does the same but leaves the key out when the value is empty; `withraw` is `with` for a scalar.
 * - A map key (`«merge:expr»: ''`): the map's entries are merged into the enclosing map, if any.
 */

const MARK_OPEN = '«';
const MARK_CLOSE = '»';

type WholeValueKind = 'raw' | 'quote' | 'yaml' | 'with' | 'withraw';

const mark = (kind: string, expression: string): string => `${MARK_OPEN}${kind}:${expression}${MARK_CLOSE}`;

/** A value spliced into a string: `image: «=repo»:«=tag»`. */
export const inline = (expression: string): string => `${MARK_OPEN}=${expression}${MARK_CLOSE}`;

/**
 * A marker standing for a whole value of type T. The cast is the point: the chart's typed props
 * carry the marker to where the value goes, and the generator replaces it in the YAML.
 */
export const wholeValue = <T>(kind: WholeValueKind, expression: string): T => mark(kind, expression) as unknown as T;

/** A map whose entries Helm merges from `expression` into the map this is spread into. */
export const mergedEntries = (expression: string): Record<string, string> => ({ [mark('merge', expression)]: '' });

const WHOLE_VALUE = new RegExp(
  String.raw`^(?<indent> *)(?<item>- )?(?<key>[^\s'"«][^:]*|'[^']*'|"[^"]*"): (?<quote>['"]?)«(?<kind>raw|quote|yaml|with|withraw):(?<expr>.+?)»\k<quote>$`,
);
const MERGED_KEY = /^(?<indent> *)(?<quote>['"]?)«merge:(?<expr>.+?)»\k<quote>: (?:''|"")$/;
const INLINE = /«=(.+?)»/g;

function wholeValueLine(groups: Record<string, string | undefined>): string {
  const indent = groups.indent ?? '';
  const item = groups.item ?? '';
  const key = groups.key!;
  const expr = groups.expr!;
  // Where the key starts: a list item's first key sits after its "- ".
  const keyColumn = indent.length + item.length;
  const nested = keyColumn + 2;
  const head = `${indent}${item}${key}:`;
  switch (groups.kind as WholeValueKind) {
    case 'raw':
      return `${head} {{ ${expr} }}`;
    case 'quote':
      return `${head} {{ ${expr} | quote }}`;
    case 'yaml':
      return `${head} {{- toYaml ${expr} | nindent ${nested} }}`;
    case 'with':
      return `{{- with ${expr} }}\n${head} {{- toYaml . | nindent ${nested} }}\n{{- end }}`;
    case 'withraw':
      return `{{- with ${expr} }}\n${head} {{ . }}\n{{- end }}`;
  }
}

/** The synthesized YAML of one document, with every marker turned into template syntax. */
export function toTemplate(yaml: string): string {
  const lines = yaml.split('\n').map((line) => {
    const whole = WHOLE_VALUE.exec(line);
    if (whole?.groups) return wholeValueLine(whole.groups);
    const merged = MERGED_KEY.exec(line);
    if (merged?.groups) {
      const indent = merged.groups.indent!.length;
      return `{{- with ${merged.groups.expr} }}\n{{- toYaml . | nindent ${indent} }}\n{{- end }}`;
    }
    return line.replace(INLINE, (_, expr: string) => `{{ ${expr} }}`);
  });
  const template = lines.join('\n');
  const left = template.indexOf(MARK_OPEN);
  if (left !== -1) {
    const line = template.slice(0, left).split('\n').length;
    throw new Error(`a marker the generator cannot place, line ${line}: ${template.split('\n')[line - 1]}`);
  }
  return template;
}
