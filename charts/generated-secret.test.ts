import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { generatedSecret, keysToGenerate } from './generated-secret.ts';

describe('generatedSecret', () => {
  const render = () => {
    const chart = new Chart(Testing.app(), 'test');
    generatedSecret(chart, 'login', {
      name: 'login',
      labels: { app: 'test' },
      keys: { username: { fixed: 'admin' }, password: 'alphanumeric-32' },
      retain: false,
    });
    return Testing.synth(chart)[0] as { metadata: { annotations: Record<string, string> }; data?: unknown };
  };

  it('carries no value, only what the operator is to fill in, fixed values as given', () => {
    const secret = render();
    expect(secret.data).toBeUndefined();
    expect(keysToGenerate(secret)).toEqual({ username: { fixed: 'admin' }, password: 'alphanumeric-32' });
  });

  it('leaves a Secret that is not create-only to be applied as usual', () => {
    expect(keysToGenerate({ metadata: { annotations: {} } })).toBeUndefined();
    expect(keysToGenerate({})).toBeUndefined();
  });
});
