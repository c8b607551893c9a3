/**
 * The values the routes' schemas share: FHIR ids, patient references, repeatable search
 * parameters. Every route declares its `params`, `querystring` and `body` with zod (`deps.ts`);
 * a value that does not parse is a 400 `OperationOutcome` in French (`app.ts`).
 */
import { z } from 'zod';

/** A FHIR logical id (`[A-Za-z0-9\-\.]{1,64}`). */
export const FhirId = z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'Identifiant invalide.');

/** `/{id}` in a route's path. */
export const ById = z.strictObject({ id: FhirId });

/** `patient=[Patient/]id`, as FHIR searches give it. */
export const PatientReference = z
  .string()
  .transform((value) => value.replace(/^Patient\//, ''))
  .pipe(FhirId);

/** A search parameter FHIR lets repeat (`type=…&type=…`): always a list. */
export const repeatable = <S extends z.ZodType>(item: S) =>
  z.union([item, z.array(item).max(20)]).transform((value) => (Array.isArray(value) ? value : [value]));
