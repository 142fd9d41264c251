import { describe, expect, it } from 'vitest';
import { desiredMatchesLive } from './desired-matches-live.ts';

describe('desiredMatchesLive', () => {
  const desired = {
    metadata: { name: 'a', labels: { app: 'x' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i:1', args: [] }] } } },
  };

  it('accepts a live object with extra defaults, status and metadata', () => {
    const live = {
      metadata: { name: 'a', labels: { app: 'x', extra: 'y' }, uid: 'u', resourceVersion: '5' },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 10,
        template: { spec: { containers: [{ name: 'c', image: 'i:1', terminationMessagePath: '/dev/x' }] } },
      },
      status: { readyReplicas: 1 },
    };
    expect(desiredMatchesLive(desired, live)).toBe(true);
  });

  it('rejects an edited field, a removed label and a different list length', () => {
    const live = structuredClone(desired);
    live.spec.replicas = 3;
    expect(desiredMatchesLive(desired, live)).toBe(false);

    const unlabelled = structuredClone(desired) as { metadata: { labels?: object } };
    delete unlabelled.metadata.labels;
    expect(desiredMatchesLive(desired, unlabelled)).toBe(false);

    const twoContainers = structuredClone(desired);
    twoContainers.spec.template.spec.containers.push({ name: 'd', image: 'i:2', args: [] });
    expect(desiredMatchesLive(desired, twoContainers)).toBe(false);
  });

  it('treats an empty list, map or string as matching an absent one', () => {
    expect(desiredMatchesLive({ a: [], b: {}, c: '' }, {})).toBe(true);
    expect(desiredMatchesLive({ a: ['x'] }, {})).toBe(false);
    expect(desiredMatchesLive({ c: 'x' }, {})).toBe(false);
    expect(desiredMatchesLive({ c: '' }, { c: 'x' })).toBe(false);
  });
});
