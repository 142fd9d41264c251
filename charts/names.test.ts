import { describe, expect, it } from 'vitest';
import { labelValue, MAX_NAME_LENGTH, objectName } from './names.ts';
import { buildPipelineObjects } from './pipeline-chart.ts';
import { fullSample } from './samples/full.ts';
import { minimalSample } from './samples/minimal.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** What a Service's name must be: a DNS label that starts with a letter, at most 63 characters. */
const dns1035Label = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Valid RecallPipeline names (DNS-1123 subdomains) that are not DNS-1035 labels. */
const awkwardNames = ['2024-recalls', '7', 'team.recalls', '2024.recalls.v2', `9${'x'.repeat(250)}`];

describe('objectName', () => {
  it('keeps a short name as it is', () => {
    expect(objectName('rappel-conso', 'postgres')).toBe('rappel-conso-postgres');
  });

  it('cuts a long name, adds a hash of the whole name, and stays within the limit', () => {
    const long = `${'a'.repeat(200)}.example`;
    const name = objectName(long, 'airflow-db-migrate');
    expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(name).toMatch(dnsLabel);
    expect(name.endsWith('-airflow-db-migrate')).toBe(true);
    expect(objectName(long, 'airflow-db-migrate')).toBe(name);
  });

  it('keeps two long names that share a prefix apart', () => {
    const prefix = 'p'.repeat(80);
    expect(objectName(`${prefix}-one`, 'postgres')).not.toBe(objectName(`${prefix}-two`, 'postgres'));
  });

  it('turns dots, which DNS labels forbid, into a hashed name', () => {
    expect(objectName('team.recalls', 'postgres')).toMatch(/^team-recalls-[0-9a-f]{8}-postgres$/);
  });

  it('starts with a letter when the pipeline name starts with a digit, and stays apart from the name with the prefix', () => {
    const name = objectName('2024-recalls', 'postgres');
    expect(name).toMatch(/^rp-2024-recalls-[0-9a-f]{8}-postgres$/);
    expect(objectName('2024-recalls', 'postgres')).toBe(name);
    expect(name).not.toBe(objectName('rp-2024-recalls', 'postgres'));
  });

  it.each(awkwardNames)('gives %s names that are DNS-1035 labels, even at the shortest room', (pipeline) => {
    for (const [suffix, maxLength] of [
      ['airflow-api-server', MAX_NAME_LENGTH],
      ['kafka', 24],
      ['nodes', 24],
      ['x', 12],
    ] as const) {
      const name = objectName(pipeline, suffix, maxLength);
      expect(name).toMatch(dns1035Label);
      expect(name.length).toBeLessThanOrEqual(maxLength);
    }
  });

  it('fits label values in 63 characters', () => {
    expect(labelValue('x'.repeat(253)).length).toBeLessThanOrEqual(63);
    expect(labelValue('short')).toBe('short');
  });
});

describe('object names of a whole pipeline', () => {
  /** The Services Strimzi creates for a Kafka cluster and its node pools, and the pods' hostnames. */
  function strimziDerivedNames(objects: ReturnType<typeof buildPipelineObjects>): string[] {
    const cluster = objects.find((object) => object.kind === 'Kafka')!.metadata.name;
    const pools = objects.filter((object) => object.kind === 'KafkaNodePool').map((object) => object.metadata.name);
    return [
      `${cluster}-kafka-bootstrap`,
      `${cluster}-kafka-brokers`,
      `${cluster}-entity-operator`,
      ...pools.map((pool) => `${cluster}-${pool}-99`),
    ];
  }

  it.each(awkwardNames)("names every Service, ours and Strimzi's, of pipeline %s as a DNS-1035 label", (pipeline) => {
    const objects = buildPipelineObjects({ ...fullSample, metadata: { ...fullSample.metadata, name: pipeline } });
    const services = objects.filter((object) => object.kind === 'Service').map((object) => object.metadata.name);
    expect(services.length).toBeGreaterThanOrEqual(4);
    for (const name of [...services, ...strimziDerivedNames(objects)]) expect(name).toMatch(dns1035Label);
    for (const object of objects) expect(object.metadata.name).toMatch(dnsLabel);
  });

  it('keeps the names of a pipeline whose name starts with a letter', () => {
    const names = buildPipelineObjects(minimalSample).map((object) => object.metadata.name);
    expect(names).toContain('rappel-conso-postgres');
    expect(names).toContain('rappel-conso-kafka');
    expect(names.every((name) => name.startsWith('rappel-conso-'))).toBe(true);
  });
});
