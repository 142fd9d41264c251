import { describe, expect, it } from 'vitest';
import { consumerGroupId } from './consumer-group.ts';

describe('consumerGroupId', () => {
  it('derives one group per pipeline', () => {
    expect(consumerGroupId('demo')).toBe('recall-sink.demo');
  });

  it.each(['', 'Demo', 'demo_1', '-demo'])('refuses %j, naming the flag', (name) => {
    expect(() => consumerGroupId(name)).toThrow(`--pipeline=${JSON.stringify(name)}: expected a RecallPipeline name`);
  });
});
