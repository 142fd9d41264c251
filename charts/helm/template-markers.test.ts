import { describe, expect, it } from 'vitest';
import { inline, mergedEntries, toTemplate, wholeValue } from './template-markers.ts';

describe('toTemplate', () => {
  it('splices inline markers into strings', () => {
    expect(toTemplate(`image: ${inline('$.Values.repo')}:${inline('$.Values.tag')}`)).toBe(
      'image: {{ $.Values.repo }}:{{ $.Values.tag }}',
    );
  });

  it('renders whole values raw, quoted, or as YAML under their key, nested at the key’s column', () => {
    expect(toTemplate(`  replicas: ${wholeValue<string>('raw', '$.Values.replicas')}`)).toBe(
      '  replicas: {{ $.Values.replicas }}',
    );
    expect(toTemplate(`    value: '${wholeValue<string>('quote', 'join "," $.Values.list')}'`)).toBe(
      '    value: {{ join "," $.Values.list | quote }}',
    );
    expect(toTemplate(`    - resources: ${wholeValue<string>('yaml', '$.Values.resources')}`)).toBe(
      '    - resources: {{- toYaml $.Values.resources | nindent 8 }}',
    );
  });

  it('leaves out an empty optional value with its key', () => {
    expect(toTemplate(`      nodeSelector: ${wholeValue<string>('with', '$.Values.nodeSelector')}`)).toBe(
      '{{- with $.Values.nodeSelector }}\n      nodeSelector: {{- toYaml . | nindent 8 }}\n{{- end }}',
    );
    expect(toTemplate(`      interval: ${wholeValue<string>('withraw', '$.Values.interval')}`)).toBe(
      '{{- with $.Values.interval }}\n      interval: {{ . }}\n{{- end }}',
    );
  });

  it('merges a map of values into the enclosing map', () => {
    const [key] = Object.keys(mergedEntries('$.Values.labels'));
    expect(toTemplate(`  labels:\n    a: b\n    ${key}: ""`)).toBe(
      '  labels:\n    a: b\n{{- with $.Values.labels }}\n{{- toYaml . | nindent 4 }}\n{{- end }}',
    );
  });

  it('refuses a marker it cannot place, naming the line', () => {
    expect(() => toTemplate(`a: 1\nlist: [${wholeValue<string>('yaml', '$.Values.x')}]`)).toThrow(
      /line 2: list: \[«yaml:\$\.Values\.x»\]/,
    );
  });
});
