import { expect, it } from 'vitest';
import { fuzzPlatform } from '../test/support/fuzz.ts';

// A sample of `npm run fuzz` (which sends 10 000 and more): no 5xx, every refusal an OperationOutcome.
it('answers 400 malformed requests across every route without a 5xx, each refusal an OperationOutcome', async () => {
  const figures = await fuzzPlatform({ runs: 400 });
  expect(figures.failures).toEqual([]);
  expect(figures.requests).toBe(400);
  expect(figures.routes).toBeGreaterThan(20);
  expect(figures.chainVerified).toBe(true);
}, 120_000);
