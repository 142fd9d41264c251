import { describe, expect, it } from 'vitest';
import { kafkaSettings, kubernetesSettings, postgresSettings } from './connection-settings.ts';

describe('postgresSettings', () => {
  it('reads the libpq variables, with flags taking precedence', () => {
    const env = { PGHOST: 'db', PGPORT: '6543', PGUSER: 'u', PGPASSWORD: 'p', PGDATABASE: 'd' };
    expect(postgresSettings(env)).toEqual({ host: 'db', port: 6543, user: 'u', password: 'p', database: 'd' });
    expect(postgresSettings(env, { host: 'other', port: '7000' })).toMatchObject({ host: 'other', port: 7000 });
  });

  it('defaults like libpq', () => {
    expect(postgresSettings({})).toEqual({ host: 'localhost', port: 5432 });
  });

  it('names the setting and the value when it is invalid', () => {
    expect(() => postgresSettings({ PGPORT: 'five' })).toThrow('PGPORT="five": expected a port number');
    expect(() => postgresSettings({ PGPORT: '70000' })).toThrow('PGPORT="70000"');
  });
});

describe('kafkaSettings', () => {
  it('splits KAFKA_BROKERS', () => {
    expect(kafkaSettings({ KAFKA_BROKERS: 'a:9092, b:9093' })).toEqual({ brokers: ['a:9092', 'b:9093'] });
  });

  it('requires it and names a malformed address', () => {
    expect(() => kafkaSettings({})).toThrow('KAFKA_BROKERS=undefined: is required');
    expect(() => kafkaSettings({ KAFKA_BROKERS: 'a:9092,nohost' })).toThrow(
      'KAFKA_BROKERS.1="a:9092,nohost": expected host:port',
    );
  });
});

describe('kubernetesSettings', () => {
  it('prefers the flag over KUBECONFIG', () => {
    expect(kubernetesSettings({ KUBECONFIG: '/a' }, { kubeconfig: '/b' })).toEqual({ kubeconfig: '/b' });
    expect(kubernetesSettings({})).toEqual({});
  });
});
