/**
 * One pipeline's samples in the operator's /metrics text (the Prometheus text format), for tests
 * that read the registry in-process or scrape a pod.
 */

/**
 * Keyed by series name and its labels but namespace and pipeline, sorted:
 * `recall_pipeline_ready`, `recall_pipeline_runs_total{result="failed",runner="Jobs"}`.
 */
export function pipelineSamples(text: string, namespace: string, pipeline: string): Record<string, number> {
  const samples: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const sample = /^([A-Za-z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!sample) continue;
    const [, name, labelText, value] = sample as unknown as [string, string, string, string];
    const labels = new Map([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1]!, pair[2]!]));
    if (labels.get('namespace') !== namespace || labels.get('pipeline') !== pipeline) continue;
    labels.delete('namespace');
    labels.delete('pipeline');
    const rest = [...labels].sort(([a], [b]) => a.localeCompare(b)).map(([key, label]) => `${key}="${label}"`);
    samples[rest.length > 0 ? `${name}{${rest.join(',')}}` : name] = Number(value);
  }
  return samples;
}
