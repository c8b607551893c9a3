/**
 * Options: who is signed in, and which platform to talk to (it signs the professional in at Pro
 * Santé Connect: the extension knows no other address). Access to its host is asked of the user
 * here (a user gesture), and the background refuses an address it has no permission for.
 * Changing the platform ends the session.
 */
import browser from 'webextension-polyfill';
import { useEffect, useState } from 'preact/hooks';
import type { Settings } from '../core/protocol.ts';
import { useAuth } from '../ui/auth.ts';
import { t, type MessageKey } from '../ui/i18n.ts';
import { Identity } from '../ui/Identity.tsx';
import { send } from '../ui/messaging.ts';
import { DpiProfiles } from './DpiProfiles.tsx';
import { Outbox } from './Outbox.tsx';
import { Sites } from './Sites.tsx';

type Status = 'idle' | 'saving' | 'saved' | 'failed';

const FIELDS: { name: keyof Settings; url: boolean; label: MessageKey; help?: MessageKey }[] = [
  { name: 'platformUrl', url: true, label: 'platformUrl', help: 'platformUrlHelp' },
];

const fieldId = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function Options() {
  const [settings, setSettings] = useState<Settings | undefined>();
  const [status, setStatus] = useState<Status>('idle');
  const auth = useAuth();

  useEffect(() => {
    send({ type: 'settings.get' }).then(setSettings, () => setStatus('failed'));
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!settings) return;
    setStatus('saving');
    try {
      const origins = [`${new URL(settings.platformUrl).origin}/*`];
      const granted = await browser.permissions.request({ origins });
      if (!granted) throw new Error('denied');
      setSettings(await send({ type: 'settings.set', settings }));
      setStatus('saved');
      auth.refresh();
    } catch {
      setStatus('failed');
    }
  };

  return (
    <>
      <header>
        <h1>{t('optionsTitle')}</h1>
      </header>
      <main>
        <h2>{t('identityTitle')}</h2>
        <Identity auth={auth} />
        <form onSubmit={save}>
          {FIELDS.map(({ name, url, label, help }) => (
            <p key={name}>
              <label for={fieldId(name)}>{t(label)}</label>
              <input
                id={fieldId(name)}
                type="text"
                inputMode={url ? 'url' : 'text'}
                pattern={url ? 'https?://.+' : undefined}
                spellcheck={false}
                required
                value={settings?.[name] ?? ''}
                disabled={!settings}
                onInput={(e) => settings && setSettings({ ...settings, [name]: (e.target as HTMLInputElement).value })}
                aria-describedby={help && `${fieldId(name)}-help`}
              />
              {help && (
                <span id={`${fieldId(name)}-help`} class="muted">
                  {t(help)}
                </span>
              )}
            </p>
          ))}
          <button type="submit" disabled={status === 'saving' || !settings}>
            {t('save')}
          </button>
          <p role="status" data-status={status}>
            {status === 'saved' && t('saved')}
            {status === 'failed' && t('saveFailed')}
          </p>
        </form>
        <Outbox />
        <Sites />
        <DpiProfiles />
        <p>
          <a href="../secretariat/index.html" data-secretariat-link>
            {t('secretariatLink')}
          </a>
        </p>
        <p>
          <a href="../review/index.html" data-review-link>
            {t('reviewLink')}
          </a>
        </p>
        <p class="muted">{t('extensionOrigin', browser.runtime.getURL('').replace(/\/$/, ''))}</p>
        <p class="muted">{t('redirectUri', browser.identity.getRedirectURL())}</p>
      </main>
    </>
  );
}
