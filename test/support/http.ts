/** Calling a test platform as a professional, and reading its French refusals. */
import type { TestPlatform } from './platform.ts';
import type { MintOptions } from './tokens.ts';

/** One request with a valid token for `as` (the physician by default) and, given one, a JSON body. */
export const callAs = async (
  platform: TestPlatform,
  method: 'GET' | 'POST',
  url: string,
  as: MintOptions = {},
  body?: unknown,
) =>
  platform.app.inject({
    method,
    url,
    headers: {
      ...(await platform.issuer.bearer(as)),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

/** The French text of an `OperationOutcome` answer: what the clinician is shown. */
export const outcomeText = (res: { json(): unknown }) =>
  (res.json() as { issue: { details: { text: string } }[] }).issue[0]!.details.text;
