/**
 * Every error of the API is a FHIR `OperationOutcome` listing each issue (Medplum's habit):
 * `details.text` is French for the panel to show, `diagnostics` is for the integrator.
 */

export type IssueCode =
  | 'invalid'
  | 'required'
  | 'not-found'
  | 'not-supported'
  | 'forbidden'
  | 'login'
  | 'exception'
  | 'too-costly'
  | 'transient'
  | 'informational'
  | 'conflict'
  | 'throttled'
  | 'security'
  | 'business-rule';

export interface Issue {
  code: IssueCode;
  /** Shown to the clinician, in French. */
  text: string;
  diagnostics?: string;
  severity?: 'error' | 'fatal' | 'warning' | 'information';
}

export function operationOutcome(issues: Issue[]) {
  return {
    resourceType: 'OperationOutcome' as const,
    issue: issues.map(({ severity = 'error', code, text, diagnostics }) => ({
      severity,
      code,
      details: { text },
      ...(diagnostics ? { diagnostics } : {}),
    })),
  };
}

/** Thrown by a route; the app's error handler answers with its status and outcome. */
export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  /** Extra response headers, e.g. `WWW-Authenticate` on a 401 (RFC 6750). */
  headers: Record<string, string> = {};
  constructor(status: number, ...issues: Issue[]) {
    super(issues.map((i) => i.diagnostics ?? i.text).join('; '));
    this.status = status;
    this.issues = issues;
  }
  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }
}
