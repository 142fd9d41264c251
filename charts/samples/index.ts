/** The samples `npm run synth` writes to manifests/samples/, by file stem. */
import type { RecallPipelineInput } from '../../contract/recall-pipeline/recall-pipeline.ts';
import { fullSample } from './full.ts';
import { minimalSample } from './minimal.ts';

export const samples: Readonly<Record<string, RecallPipelineInput>> = { minimal: minimalSample, full: fullSample };
