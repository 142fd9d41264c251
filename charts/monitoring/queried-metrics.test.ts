/**
 * Every metric the example PrometheusRule and the Grafana dashboard query (as written to
 * manifests/monitoring/) is one the operator exports, and every label they group or match on is
 * one those series carry: a renamed series fails here rather than in a silent alert.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { createOperatorMetrics } from '../../operator/metrics.ts';
import { PIPELINE_SERIES } from './pipeline-series.ts';

const folder = path.join(import.meta.dirname, '..', '..', 'manifests', 'monitoring');

interface RuleFile {
  spec: { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
}

interface Dashboard {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; type: string; query?: string; definition?: string }> };
}

function ruleExpressions(): Array<[string, string]> {
  const file = yaml.load(fs.readFileSync(path.join(folder, 'prometheus-rule.yaml'), 'utf8')) as RuleFile;
  return file.spec.groups.flatMap((group) => group.rules.map((rule): [string, string] => [rule.alert, rule.expr]));
}

function dashboardExpressions(): Array<[string, string]> {
  const dashboard = JSON.parse(fs.readFileSync(path.join(folder, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
  const panels = dashboard.panels.flatMap((panel) =>
    panel.targets.map((target): [string, string] => [`panel "${panel.title}"`, target.expr]),
  );
  const variables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .flatMap((variable) =>
      [variable.query, variable.definition].map((query): [string, string] => [`variable $${variable.name}`, query!]),
    );
  return [...panels, ...variables];
}

/** The series names the operator serves, as a scrape shows them (a histogram's as its three series). */
async function exportedNames(): Promise<Set<string>> {
  const metrics = await createOperatorMetrics({ processMetrics: true }).registry.getMetricsAsJSON();
  return new Set(
    metrics.flatMap(({ name, type }) => {
      if (String(type) === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
      if (String(type) === 'summary') return [name, `${name}_sum`, `${name}_count`];
      return [name];
    }),
  );
}

const metricNames = (expression: string) => expression.match(/\brecall_[a-z_]+/g) ?? [];

/** Labels named in `by (...)`, `on (...)` and `{label=...}` matchers. */
function labelNames(expression: string): string[] {
  const grouped = [...expression.matchAll(/\b(?:by|on|without|ignoring)\s*\(([^)]*)\)/g)].flatMap((match) =>
    match[1]!.split(',').map((label) => label.trim()),
  );
  const matched = [...expression.matchAll(/[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)/g)].map((match) => match[1]!);
  return [...grouped, ...matched].filter((label) => label !== '');
}

/** What the per-pipeline series carry: the pipeline's labels, and the bounded phase, result and runner. */
const SERIES_LABELS = new Set(['namespace', 'pipeline', 'phase', 'result', 'runner']);

describe('the metrics the monitoring manifests query', () => {
  const expressions = [...ruleExpressions(), ...dashboardExpressions()];

  it.each(expressions)('%s queries only metrics the operator exports: %s', async (_where, expression) => {
    const names = metricNames(expression);
    expect(names, 'an expression that names no recall_ metric checks nothing').not.toEqual([]);
    const exported = await exportedNames();
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  });

  it.each(expressions)('%s groups and matches only on the series’ labels: %s', (_where, expression) => {
    expect(labelNames(expression).filter((label) => !SERIES_LABELS.has(label))).toEqual([]);
  });

  it('alerts on no recent success, no success ever, a failed last run and dead letters', () => {
    const queried = new Set(ruleExpressions().flatMap(([, expression]) => metricNames(expression)));
    for (const series of [
      PIPELINE_SERIES.lastSuccess,
      PIPELINE_SERIES.created,
      PIPELINE_SERIES.lastRunSucceeded,
      PIPELINE_SERIES.lastRunDeadLettered,
    ]) {
      expect(queried).toContain(series.name);
    }
  });

  it('finds what it checks: the tokenizer sees the names and labels of a known expression', () => {
    const expression =
      'time() - max by (namespace, pipeline) (recall_pipeline_runs_total{result="failed", runner=~"Jobs"}[1h])';
    expect(metricNames(expression)).toEqual(['recall_pipeline_runs_total']);
    expect(labelNames(expression).sort()).toEqual(['namespace', 'pipeline', 'result', 'runner']);
  });
});
