/**
 * A rule that spans several fields, written once and enforced twice: by zod when TypeScript code
 * validates a spec, and by the apiserver as a CEL `x-kubernetes-validations` entry in the CRD.
 * Keeping the CEL text beside the TypeScript predicate is what stops the two from drifting, and the
 * same inputs test both: every rule has a case in invalid-specs.ts (crd.test.ts fails when one has
 * none), which the unit tests give to zod, so to `holds`, and test/integration/recallpipeline-api
 * to the real apiserver, so to `cel`. No unit test evaluates the CEL itself: only the apiserver
 * runs Kubernetes' CEL, with its cost limits.
 */
import type { z } from 'zod';

export type ValidationReason = 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden';

export interface CrossFieldRule<T> {
  /** CEL with `self` bound to the object the rule is attached to. */
  readonly cel: string;
  readonly message: string;
  /** CEL building a message that quotes the offending values; the apiserver prefers it to `message`. */
  readonly messageExpression?: string;
  /** The field to blame, relative to the object: `.strimzi`. */
  readonly fieldPath?: string;
  readonly reason?: ValidationReason;
  /** The TypeScript twin of `cel`: true when `value` satisfies the rule. */
  readonly holds: (value: T) => boolean;
}

/** The CRD's form of a rule. */
export interface KubernetesValidation {
  rule: string;
  message: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: ValidationReason;
}

export function toKubernetesValidation<T>(rule: CrossFieldRule<T>): KubernetesValidation {
  return {
    rule: rule.cel,
    message: rule.message,
    ...(rule.messageExpression !== undefined && { messageExpression: rule.messageExpression }),
    ...(rule.fieldPath !== undefined && { fieldPath: rule.fieldPath }),
    ...(rule.reason !== undefined && { reason: rule.reason }),
  };
}

/** Attaches `rules` to an object schema: checked by zod, and emitted into its JSON Schema. */
export function withCrossFieldRules<S extends z.ZodType>(schema: S, rules: readonly CrossFieldRule<z.output<S>>[]): S {
  return schema
    .superRefine((value, ctx) => {
      for (const rule of rules) {
        if (rule.holds(value)) continue;
        const path = rule.fieldPath?.split('.').filter((segment) => segment !== '') ?? [];
        ctx.addIssue({ code: 'custom', message: rule.message, path, input: value });
      }
    })
    .meta({ 'x-kubernetes-validations': rules.map(toKubernetesValidation) });
}
