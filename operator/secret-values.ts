/**
 * Values of create-only Secrets (charts/generated-secret.ts), drawn from the CSPRNG in the format
 * each key asks for, or, for a key the builder fixed, that value.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { SecretKeyValue } from '../charts/generated-secret.ts';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alphanumeric(length: number): string {
  // randomInt draws without modulo bias.
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

export function secretValue(value: SecretKeyValue): string {
  if (typeof value === 'object') return value.fixed;
  switch (value) {
    case 'alphanumeric-32':
      return alphanumeric(32);
    case 'alphanumeric-64':
      return alphanumeric(64);
    case 'fernet-key':
      // Fernet decodes its key with Python's urlsafe_b64decode, which wants the padding kept.
      return randomBytes(32).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
  }
}

/** The Secret's `stringData`: one fresh value per key. */
export function generateSecretData(keys: Readonly<Record<string, SecretKeyValue>>): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, secretValue(value)]));
}
