/** Needs no cluster: runs with the unit tests (vitest.config.ts). */
import { describe, expect, it } from 'vitest';
import { logSearchText } from './log-search-text.ts';

describe('the search text for a log line pattern', () => {
  it('is the literal start of the pattern', () => {
    expect(logSearchText(/recall produce: sent=\d+/)).toBe('recall produce: sent=');
    expect(logSearchText(/^consumed=8810 upserted/)).toBe('consumed=8810 upserted');
    expect(logSearchText(/fetched \d+, sent 8810/)).toBe('fetched');
  });

  it('takes escaped characters as themselves, and stops at a class', () => {
    expect(logSearchText(/topic rappel\.conso\/recalls: \w+/)).toBe('topic rappel.conso/recalls:');
  });

  it('leaves out a character a quantifier makes optional', () => {
    expect(logSearchText(/records?: \d+/)).toBe('record');
    expect(logSearchText(/sent {2}\d/)).toBe('sent');
    expect(logSearchText(/ab+c/)).toBe('ab');
  });

  it('is empty for a pattern that starts with an operator', () => {
    expect(logSearchText(/(produce|consume) done/)).toBe('');
    expect(logSearchText(/\d+ sent/)).toBe('');
  });
});
