import { describe, expect, it } from 'vitest';
import { copyText } from './copy-text.ts';

describe('copyText (a field of COPY text format)', () => {
  it('writes null as \\N and leaves plain text as it is', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText('Rappel conso: « Fromage »')).toBe('Rappel conso: « Fromage »');
    expect(copyText('')).toBe('');
  });

  it('escapes backslash, tab, line feed and carriage return, wherever they are', () => {
    expect(copyText('a\\b\tc\r\nd')).toBe('a\\\\b\\tc\\r\\nd');
    expect(copyText('\n\n')).toBe('\\n\\n');
    expect(copyText('\\N')).toBe('\\\\N');
  });
});
