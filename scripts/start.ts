/**
 * `npm start`: the whole demo on this machine. Builds the extension, starts the platform with demo
 * data on 127.0.0.1:8787 (DATA_DIR .data/demo) and its development OpenID provider on
 * 127.0.0.1:8789, serves the demo host pages on 127.0.0.1:8788, and says how to load the extension. `npm start -- --open` also opens Chromium with the extension
 * loaded (needs a display). Ctrl-C stops everything cleanly.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { serveDemoPages } from '../demo/serve.ts';
import { configFromEnv } from '../server/config.ts';
import { DEV_PROFESSIONALS } from '../server/identity/dev-professionals.ts';
import { startPlatform } from '../server/platform.ts';

const { values } = parseArgs({
  options: { open: { type: 'boolean', default: false }, 'no-build': { type: 'boolean', default: false } },
});

if (!values['no-build']) {
  for (const mode of ['chrome', 'firefox']) await build({ mode, logLevel: 'warn' });
}

const config = configFromEnv({
  ...process.env,
  DATA_DIR: process.env.DATA_DIR ?? '.data/demo',
  // The demo also admits Firefox, whose extension origin is random per installation.
  ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? `${configFromEnv({}).allowedOrigins.join(',')},moz-extension://*`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
const platform = await startPlatform(config, { demo: true });
const pages = await serveDemoPages(Number(process.env.DEMO_PORT ?? 8788), '127.0.0.1', {
  mailboxDir: platform.mailboxDir,
});
const chrome = resolve('dist/chrome');
const firefox = resolve('dist/firefox/manifest.json');

console.log(`
Passerelle — démonstration

  Plateforme (FHIR R4)   ${platform.url}/fhir/metadata
  Identité (OpenID)      ${platform.issuer}/.well-known/openid-configuration
  Pages de démonstration ${pages.url}/
    messagerie           ${pages.url}/webmail.html
    DPI                  ${pages.url}/dpi.html
    traits discordants   ${pages.url}/dpi-discordant.html
    liste du service     ${pages.url}/ward-list.html
    boîte MSSanté        ${pages.url}/mailbox.html  (codes de partage envoyés par le secrétariat)

Charger l'extension
  Chrome / Chromium : chrome://extensions → Mode développeur → « Charger l'extension non empaquetée » → ${chrome}
  Firefox           : about:debugging#/runtime/this-firefox → « Charger un module complémentaire temporaire » → ${firefox}

Passerelle ne lit que les sites que vous activez : cliquez sur son bouton dans la barre d'outils
sur une page de démonstration (ou ouvrez ses options), puis « Activer sur ce site » pour
${pages.url}. Ouvrez la page de messagerie, cliquez sur le bouton « P » en bas à droite, puis sur
« Se connecter avec Pro Santé Connect » et choisissez un professionnel de test :
${DEV_PROFESSIONALS.map((p) => `  ${(p.profession?.label ?? p.job ?? '').padEnd(22)} ${p.givenName} ${p.familyName} (${p.rpps ? `RPPS ${p.rpps}` : `IDNPS ${p.idNps}`})`).join('\n')}
Secrétariat d'imagerie : options de l'extension → « Secrétariat d'imagerie » (codes de partage).
Dossier partagé du patient (côté patient) : ${platform.url}/patient
Revue des bris de glace : options de l'extension → « Revue des accès en bris de glace » (Sophie DUMAS).
Ctrl-C pour arrêter.
`);

if (values.open) {
  const browser = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  spawn(
    browser,
    [
      `--load-extension=${chrome}`,
      `--user-data-dir=${resolve('.data/chromium-profile')}`,
      '--no-first-run',
      `${pages.url}/webmail.html`,
    ],
    {
      stdio: 'ignore',
      detached: true,
    },
  ).unref();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await Promise.all([platform.close(), pages.close()]);
    process.exit(0);
  });
}
