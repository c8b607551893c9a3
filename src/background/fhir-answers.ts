/**
 * The platform's answers (FHIR R4 JSON), only the parts the extension reads; the rest passes
 * through. Every answer is parsed by one of these before the background maps it for the panel.
 */
import { z } from '../core/zod.ts';

const Coding = z.looseObject({ system: z.string().optional(), code: z.string().optional() });
const Identifier = z.looseObject({ system: z.string().optional(), value: z.string().optional() });
const HumanName = z.looseObject({
  use: z.string().optional(),
  family: z.string().optional(),
  given: z.array(z.string()).optional(),
});
const Extension = z.looseObject({ url: z.string() });

export const FhirPatient = z.looseObject({
  resourceType: z.literal('Patient'),
  id: z.string(),
  identifier: z.array(Identifier).optional(),
  name: z.array(HumanName).optional(),
  gender: z.string().optional(),
  birthDate: z.string().optional(),
  extension: z.array(Extension).optional(),
});
export type FhirPatient = z.infer<typeof FhirPatient>;

export const FhirSearchBundle = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('searchset'),
  total: z.number().int().optional(),
  entry: z.array(z.looseObject({ resource: z.looseObject({ resourceType: z.string() }) })).optional(),
});

export const FhirOperationOutcome = z.looseObject({
  resourceType: z.literal('OperationOutcome'),
  issue: z.array(
    z.looseObject({
      severity: z.string(),
      code: z.string(),
      diagnostics: z.string().optional(),
      details: z.looseObject({ text: z.string().optional(), coding: z.array(Coding).optional() }).optional(),
    }),
  ),
});
