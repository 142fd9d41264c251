/** The labels and annotations every object of a pipeline carries (app.kubernetes.io recommended labels). */
import { labelValue } from './names.ts';

export const APP_NAME = 'recall-pipeline';
export const MANAGED_BY = 'recall-pipeline-operator';

/** The full pipeline name, in an annotation: the instance label may be shortened to fit. */
export const PIPELINE_ANNOTATION = 'rappelconso.io/pipeline';

/**
 * On an object the pipeline does not own, so that it outlives it (`"true"`): a Secret that unlocks
 * a retained database. The label finds what a deleted pipeline left behind.
 */
export const RETAIN_LABEL = 'rappelconso.io/retain-on-delete';

/** The run number on a run's Jobs and pods (see jobs-construct.ts). */
export const RUN_LABEL = 'rappelconso.io/run';

export type Labels = Record<string, string>;

/** What selects a pipeline's pods: NetworkPolicies admit exactly these. */
export function instanceSelector(pipeline: string): Labels {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/instance': labelValue(pipeline) };
}

/** What selects one component's pods. */
export function componentSelector(pipeline: string, component: string): Labels {
  return { ...instanceSelector(pipeline), 'app.kubernetes.io/component': component };
}

export function pipelineLabels(pipeline: string): Labels {
  return {
    ...instanceSelector(pipeline),
    'app.kubernetes.io/part-of': APP_NAME,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}
