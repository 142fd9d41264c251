/**
 * CPU and memory for one component: requests and limits, each field defaulted on its own so a
 * pipeline can raise one limit without restating the rest.
 */
import { z } from 'zod';
import { quantity } from './field-formats.ts';

export interface ComputeDefaults {
  readonly cpu: string;
  readonly memory: string;
}

export interface ResourceDefaults {
  readonly requests: ComputeDefaults;
  readonly limits: ComputeDefaults;
}

function computeSchema(defaults: ComputeDefaults, what: string) {
  return z
    .strictObject({
      cpu: quantity.default(defaults.cpu).meta({ description: `CPU ${what}, e.g. 500m.` }),
      memory: quantity.default(defaults.memory).meta({ description: `Memory ${what}, e.g. 512Mi.` }),
    })
    .prefault({});
}

export function resourcesSchema(defaults: ResourceDefaults, component: string) {
  return z
    .strictObject({
      requests: computeSchema(defaults.requests, 'reserved').meta({
        description: `What the scheduler reserves for ${component}.`,
      }),
      limits: computeSchema(defaults.limits, 'limit').meta({ description: `The most ${component} may use.` }),
    })
    .prefault({})
    .meta({ description: `CPU and memory requests and limits of ${component}.` });
}

export type Resources = z.output<ReturnType<typeof resourcesSchema>>;
