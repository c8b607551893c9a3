/**
 * Everything only the demo has, behind one module that `platform.ts` loads with `--demo` only
 * (production wiring never imports it): the development OpenID provider, the demo settings (the
 * privacy officer, the imaging secretariat, the MSSanté-style mailbox folder), the seed, the
 * images viewer, the patient's page with its demo sign-in, and the MSSanté gateway (SMTP).
 */
import { join } from 'node:path';
import type { PlatformConfig } from '../config.ts';
import type { App, Deps } from '../deps.ts';
import { DEMO_FINESS, DEMO_PRIVACY_OFFICER, DEMO_SECRETARIAT } from '../identity/dev-professionals.ts';
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, startDevProvider } from '../identity/dev-provider.ts';
import type { Db } from '../storage/database.ts';
import { seedDemoExams } from './exams.ts';
import { patientPageRoutes } from './patient-page.ts';
import { seedDemoPatients } from './patients.ts';
import { seedDemoRecords } from './record.ts';
import { startDemoSmtp } from './smtp.ts';
import { demoViewerRoute } from './viewer.ts';

/** The demo's settings over the given ones, where these leave them unset. */
export function demoConfig(given: PlatformConfig): PlatformConfig {
  if (given.dataDir === ':memory:') return given;
  return {
    ...given,
    // Told another development provider's issuer (tests): its client, unless configured.
    identity:
      given.identity.issuer && !given.identity.clientSecret
        ? { ...given.identity, ...devClient(given.identity.issuer) }
        : given.identity,
    // The demo's SAMU may use the regulation mode (centre 15).
    regulationFiness: given.regulationFiness.length > 0 ? given.regulationFiness : [DEMO_FINESS.samu],
    // The demo's privacy officer reviews break-glass accesses.
    audit: { ...given.audit, readers: given.audit.readers.length > 0 ? given.audit.readers : [DEMO_PRIVACY_OFFICER] },
    // The demo's imaging secretariat may issue codes, and "MSSanté" is a folder the demo webmail reads.
    shareCodes: {
      ...given.shareCodes,
      issuers: given.shareCodes.issuers.length > 0 ? given.shareCodes.issuers : [DEMO_SECRETARIAT],
      mailboxDir: given.shareCodes.mailboxDir ?? join(given.dataDir, 'mailbox'),
    },
  };
}

/** The demo's patients, their records and the imaging centre's exams; idempotent. */
export async function seedDemo(db: Db): Promise<void> {
  await seedDemoPatients(db);
  await seedDemoExams(db);
  await seedDemoRecords(db);
}

/** The development provider, when no `OIDC_ISSUER` is set: its issuer, and the platform as its client. */
export async function demoIdentity(config: PlatformConfig) {
  const provider = await startDevProvider({
    host: config.host,
    port: config.identity.devProviderPort,
    ...(config.identity.publicUrl ? { extraRedirectUris: [`${config.identity.publicUrl}/auth/callback`] } : {}),
  });
  return { provider, client: devClient(provider.issuer) };
}

/** The platform's client at a development provider (its own, or another platform's in the tests). */
export const devClient = (issuer: string) => ({
  issuer,
  clientId: DEV_CLIENT_ID,
  clientAuth: 'client_secret_basic' as const,
  clientSecret: DEV_CLIENT_SECRET,
});

/** The demo's MSSanté gateway (loopback SMTP), delivering into the demo webmail's mailbox. */
export const demoSmtp = async (config: PlatformConfig) => {
  // Delivery notifications come back to the platform's own (demo) mailbox, where it reads them.
  const receiptsDir = join(config.dataDir, 'platform-mailbox');
  const smtp = await startDemoSmtp({
    mailboxDir: config.shareCodes.mailboxDir ?? join(config.dataDir, 'mailbox'),
    receiptsDir,
  });
  return { ...smtp, mail: { ...smtp.mail, receiptsDir } };
};

/** The images viewer and the patient's page. */
export function demoRoutes(app: App, deps: Deps): void {
  demoViewerRoute(app, deps);
  patientPageRoutes(app, deps);
}
