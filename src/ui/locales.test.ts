import { describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json';
import fr from '../../public/_locales/fr/messages.json';

describe('_locales', () => {
  it('has the same keys and placeholders in French and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const [key, value] of Object.entries(fr)) {
      const other = (en as Record<string, { placeholders?: object }>)[key]!;
      expect(Object.keys(other.placeholders ?? {}), key).toEqual(
        Object.keys((value as { placeholders?: object }).placeholders ?? {}),
      );
    }
  });

  it('uses only names the browsers accept', () => {
    for (const key of Object.keys(fr)) expect(key).toMatch(/^[A-Za-z0-9_@]+$/);
  });
});
