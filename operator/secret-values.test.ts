import { describe, expect, it } from 'vitest';
import { generateSecretData, secretValue } from './secret-values.ts';

describe('secret values', () => {
  it('draws alphanumeric values of the asked length, different each time', () => {
    expect(secretValue('alphanumeric-32')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secretValue('alphanumeric-64')).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(secretValue('alphanumeric-32')).not.toBe(secretValue('alphanumeric-32'));
  });

  it('makes a Fernet key: 32 bytes in padded URL-safe base64', () => {
    const key = secretValue('fernet-key');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
  });

  it('fills every key', () => {
    expect(Object.keys(generateSecretData({ a: 'alphanumeric-32', b: 'fernet-key' }))).toEqual(['a', 'b']);
  });

  it('keeps a fixed value as the builder gave it, beside the drawn ones', () => {
    const data = generateSecretData({ username: { fixed: 'admin' }, password: 'alphanumeric-32' });
    expect(data.username).toBe('admin');
    expect(data.password).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});
