/**
 * The Prometheus Operator's CRDs (ServiceMonitor, PodMonitor, PrometheusRule) from its Go module,
 * where its repository keeps the generated YAML, so that the chart's monitors and the alert rules
 * are checked against the real schemas. No Prometheus Operator runs. Read with js-yaml: client-node's
 * loadYaml maps known kinds onto its models, which rename schema keys such as `enum`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { versions } from '../../contract/versions.ts';
import { goTool } from './kubernetes-build.ts';
import { run } from './process.ts';

const MODULE = 'github.com/prometheus-operator/prometheus-operator';
const CRD_DIR = path.join('example', 'prometheus-operator-crd');
const KINDS = ['servicemonitors', 'podmonitors', 'prometheusrules'] as const;

/** The CRDs as objects, fetched through the Go module proxy once and then read from Go's module cache. */
export async function prometheusOperatorCrds(): Promise<object[]> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-prometheus-operator-'));
  try {
    const output = await run(goTool(), ['mod', 'download', '-json', `${MODULE}@v${versions.prometheusOperator}`], {
      cwd,
    });
    const { Dir } = JSON.parse(output) as { Dir: string };
    return KINDS.map(
      (kind) =>
        yaml.load(fs.readFileSync(path.join(Dir, CRD_DIR, `monitoring.coreos.com_${kind}.yaml`), 'utf8')) as object,
    );
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}
