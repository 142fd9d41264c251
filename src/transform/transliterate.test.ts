import { describe, expect, it } from 'vitest';
import { transliterate } from './transliterate.ts';

describe('transliterate', () => {
  it('writes ASCII as Python’s unidecode does', () => {
    expect(transliterate('Pâté « œuf » – 5 € ’')).toBe("Pate << oeuf >> - 5 EUR '");
  });

  it('puts a space before Latin-1 fractions, as Python’s tables do', () => {
    expect(transliterate('en ½ heure, 1¼ l')).toBe('en  1/2 heure, 1 1/4 l');
  });

  it('keeps null', () => {
    expect(transliterate(null)).toBeNull();
  });
});
