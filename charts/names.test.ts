import { describe, expect, it } from 'vitest';
import { labelValue, MAX_NAME_LENGTH, objectName } from './names.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

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

  it('fits label values in 63 characters', () => {
    expect(labelValue('x'.repeat(253)).length).toBeLessThanOrEqual(63);
    expect(labelValue('short')).toBe('short');
  });
});
