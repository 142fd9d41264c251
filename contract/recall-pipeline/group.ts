/** Where the RecallPipeline API lives; every other file names it through these constants. */
export const API_GROUP = 'rappelconso.io';
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
export const KIND = 'RecallPipeline';
export const LIST_KIND = 'RecallPipelineList';
export const PLURAL = 'recallpipelines';
export const SINGULAR = 'recallpipeline';
export const SHORT_NAMES = ['rp'] as const;
export const CRD_NAME = `${PLURAL}.${API_GROUP}`;

/** Set it to any new value to start a run now; the operator remembers the value it answered in status.lastRun.trigger. */
export const RUN_NOW_ANNOTATION = `${API_GROUP}/run-now`;
