import type { Dataset } from '../../contract/pipeline-defaults.ts';
import type { DatasetSource } from './dataset-source.ts';
import { rappelconso0Source } from './rappelconso0-source.ts';
import { rappelconsoV2Source } from './rappelconso-v2-source.ts';

const sources: Readonly<Record<Dataset, DatasetSource>> = {
  rappelconso0: rappelconso0Source,
  'rappelconso-v2-gtin-espaces': rappelconsoV2Source,
};

export function datasetSource(dataset: Dataset): DatasetSource {
  return sources[dataset];
}
