/**
 * Options: which platform to talk to. Access to a platform's host is asked of the user here (a
 * user gesture), and the background refuses an address it has no permission for.
 */
import browser from 'webextension-polyfill';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

type Status = 'idle' | 'saving' | 'saved' | 'failed';

export function Options() {
  const [url, setUrl] = useState('');
  const [status, setStatus] = useState<Status>('idle');

  useEffect(() => {
    send({ v: 1, type: 'settings.get' }).then(
      (s) => setUrl(s.platformUrl),
      () => setStatus('failed'),
    );
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    setStatus('saving');
    try {
      const origin = new URL(url).origin;
      const granted = await browser.permissions.request({ origins: [`${origin}/*`] });
      if (!granted) throw new Error('denied');
      const saved = await send({ v: 1, type: 'settings.set', settings: { platformUrl: url } });
      setUrl(saved.platformUrl);
      setStatus('saved');
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
        <form onSubmit={save}>
          <label for="platform-url">{t('platformUrl')}</label>
          <input
            id="platform-url"
            type="url"
            required
            value={url}
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            aria-describedby="platform-url-help"
          />
          <p id="platform-url-help" class="muted">
            {t('platformUrlHelp')}
          </p>
          <button type="submit" disabled={status === 'saving'}>
            {t('save')}
          </button>
          <p role="status" data-status={status}>
            {status === 'saved' && t('saved')}
            {status === 'failed' && t('saveFailed')}
          </p>
        </form>
        <p class="muted">{t('extensionOrigin', browser.runtime.getURL('').replace(/\/$/, ''))}</p>
      </main>
    </>
  );
}
