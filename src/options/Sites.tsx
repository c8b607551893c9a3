/**
 * Sites where Passerelle runs. Enabling one asks the browser for that host's permission (this click
 * is the user gesture it needs), then the background registers the content script for it;
 * disabling removes both. Opened from the toolbar button on a site not yet enabled, the page
 * arrives with that site filled in (`?site=`).
 */
import browser from 'webextension-polyfill';
import { useEffect, useState } from 'preact/hooks';
import { siteOf, sitePattern } from '../background/sites.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

type Status = 'idle' | 'enabled' | 'disabled' | 'invalid' | 'denied' | 'failed';

export function Sites() {
  const [sites, setSites] = useState<string[]>([]);
  const [input, setInput] = useState(() => new URLSearchParams(location.search).get('site') ?? '');
  const [status, setStatus] = useState<Status>('idle');

  useEffect(() => {
    send({ type: 'sites.get' }).then(setSites, () => setStatus('failed'));
  }, []);

  const enable = async (event: Event) => {
    event.preventDefault();
    const site = siteOf(input);
    if (!site) return setStatus('invalid');
    try {
      // Asked first, inside the click: the browser shows its own prompt for a new host.
      if (!(await browser.permissions.request({ origins: [sitePattern(site)] }))) return setStatus('denied');
      setSites(await send({ type: 'sites.set', sites: [...sites, site] }));
      setInput('');
      setStatus('enabled');
    } catch {
      setStatus('failed');
    }
  };

  const disable = async (site: string) => {
    try {
      setSites(await send({ type: 'sites.set', sites: sites.filter((s) => s !== site) }));
      // Hosts the extension always holds (the loopback demo hosts) cannot be given back: ignore.
      await browser.permissions.remove({ origins: [sitePattern(site)] }).catch(() => false);
      setStatus('disabled');
    } catch {
      setStatus('failed');
    }
  };

  return (
    <section id="sites" aria-labelledby="sites-title">
      <h2 id="sites-title">{t('sitesTitle')}</h2>
      <p class="muted">{t('sitesHelp')}</p>
      {sites.length === 0 ? (
        <p data-sites-none>{t('sitesNone')}</p>
      ) : (
        <ul data-sites>
          {sites.map((site) => (
            <li key={site} data-site={site}>
              <strong>{site}</strong>{' '}
              <button type="button" class="secondary" onClick={() => disable(site)}>
                {t('sitesDisable')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={enable}>
        <p>
          <label for="site-input">{t('sitesAddLabel')}</label>
          <input
            id="site-input"
            type="text"
            inputMode="url"
            spellcheck={false}
            required
            placeholder="https://webmail.hopital.fr"
            value={input}
            onInput={(e) => setInput((e.target as HTMLInputElement).value)}
          />
        </p>
        <button type="submit">{t('sitesEnable')}</button>
      </form>
      <p role="status" data-sites-status={status}>
        {status !== 'idle' && t(`sitesStatus_${status}`)}
      </p>
    </section>
  );
}
