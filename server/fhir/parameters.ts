/**
 * One reader for the FHIR `Parameters` bodies of the platform's operations (`$break-glass`,
 * `$confirm-identity`, `$care-team-join`, `$redeem`…): the body is parsed, never cast. Each
 * parameter is `{ name, value[x] }` with exactly one `value…` property; a name given twice is
 * refused unless the operation lists it as repeating (then it is always an array). The values,
 * by name, are then parsed against the operation's own zod schema, which is strict (an unknown
 * name is refused). Any failure is a 400 OperationOutcome in French, one issue per problem.
 */
import { z } from 'zod';
import { FhirError, type Issue } from './operation-outcome.ts';

const Parameter = z.looseObject({ name: z.string().min(1).max(64) });
const Envelope = z.strictObject({
  resourceType: z.literal('Parameters'),
  id: z.string().max(64).optional(),
  parameter: z.array(Parameter).max(100).optional(),
});

const refuse = (issues: Issue[]) => new FhirError(400, ...issues);

/** The French text of a zod issue the operation's schema left without a message of its own. */
const french = (issue: { path?: PropertyKey[]; code?: string }) => {
  const name = String(issue.path?.[0] ?? '');
  if (issue.code === 'unrecognized_keys') return 'Paramètre inconnu pour cette opération.';
  if (issue.code === 'invalid_type' && issue.path?.length === 1) return `Paramètre « ${name} » manquant ou invalide.`;
  return `Paramètre « ${name} » invalide.`;
};

export function readParameters<S extends z.ZodType>(
  body: unknown,
  schema: S,
  options: { repeating?: readonly string[]; messages?: Readonly<Record<string, string>> } = {},
): z.output<S> {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) {
    throw refuse([
      {
        code: 'invalid',
        text: 'Requête invalide : une ressource FHIR Parameters est attendue.',
        diagnostics: z.prettifyError(envelope.error),
      },
    ]);
  }
  const values: Record<string, unknown[]> = Object.create(null) as Record<string, unknown[]>;
  for (const parameter of envelope.data.parameter ?? []) {
    const keys = Object.keys(parameter).filter((k) => k.startsWith('value'));
    if (keys.length !== 1) {
      throw refuse([
        {
          code: 'invalid',
          text: `Paramètre « ${parameter.name} » invalide.`,
          diagnostics: `parameter ${parameter.name} must have exactly one value[x]`,
        },
      ]);
    }
    (values[parameter.name] ??= []).push(parameter[keys[0]!]);
  }
  const input: Record<string, unknown> = {};
  for (const [name, list] of Object.entries(values)) {
    if (options.repeating?.includes(name)) {
      Object.defineProperty(input, name, { value: list, enumerable: true });
    } else if (list.length > 1) {
      throw refuse([
        {
          code: 'invalid',
          text: `Paramètre « ${name} » répété.`,
          diagnostics: `parameter ${name} given ${list.length} times`,
        },
      ]);
    } else {
      // defineProperty: a parameter named `__proto__` is a plain (refused) key, not a prototype.
      Object.defineProperty(input, name, { value: list[0], enumerable: true });
    }
  }
  const parsed = schema.safeParse(input, {
    error: (issue) => {
      const name = String(issue.path?.[0] ?? '');
      return (Object.hasOwn(options.messages ?? {}, name) ? options.messages![name] : undefined) ?? french(issue);
    },
  });
  if (!parsed.success) {
    throw refuse(
      parsed.error.issues.map((issue) => ({
        code: 'invalid' as const,
        text: issue.message,
        diagnostics: `${issue.path.join('.') || '(parameters)'}: ${issue.code}`,
      })),
    );
  }
  return parsed.data;
}

/**
 * `readParameters` as a route's body schema (`schema: { body: parametersBody(S) }`): the route
 * reads typed values; a refusal is the app's 400 with the same French texts.
 */
export const parametersBody = <S extends z.ZodType>(schema: S, options: Parameters<typeof readParameters>[2] = {}) =>
  z.unknown().transform((body, ctx): z.output<S> => read(body, ctx, schema, options));

/** The same for an operation whose body may be left out (no body, or an empty one: `undefined`). */
export const optionalParametersBody = <S extends z.ZodType>(
  schema: S,
  options: Parameters<typeof readParameters>[2] = {},
) =>
  z
    .unknown()
    .transform((body, ctx): z.output<S> | undefined =>
      body === undefined || body === null || body === '' ? undefined : read(body, ctx, schema, options),
    );

function read<S extends z.ZodType>(
  body: unknown,
  ctx: z.core.$RefinementCtx,
  schema: S,
  options: Parameters<typeof readParameters>[2],
): z.output<S> {
  try {
    return readParameters(body, schema, options);
  } catch (error) {
    if (!(error instanceof FhirError)) throw error;
    for (const issue of error.issues) ctx.addIssue({ code: 'custom', message: issue.text, input: body });
    return z.NEVER;
  }
}
