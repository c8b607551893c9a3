/**
 * DPI banner profiles: add one by pointing at the banner's elements with CSS selectors, remove,
 * import or export them as JSON (a hospital's settings for all its workstations). The background
 * validates everything (`DpiProfiles` in the protocol) and refuses what does not parse.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DpiProfile, PreviewResult } from '../core/protocol.ts';
import { t, type MessageKey } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

type Status = 'idle' | 'saved' | 'refused';
const SELECTORS = ['ins', 'displayName', 'familyName', 'usedName', 'givenNames', 'birthDate', 'sex'] as const;
const EMPTY: Record<string, string> = {
  name: '',
  urlPrefix: '',
  ins: '',
  displayName: '',
  familyName: '',
  usedName: '',
  givenNames: '',
  birthDate: '',
  sex: '',
};

function toProfile(form: Record<string, string>): DpiProfile {
  const selectors = Object.fromEntries(SELECTORS.filter((k) => form[k]!.trim()).map((k) => [k, form[k]!.trim()]));
  return {
    name: form.name!.trim(),
    urlPrefix: form.urlPrefix!.trim(),
    selectors: selectors as DpiProfile['selectors'],
  };
}

export function DpiProfiles() {
  const [profiles, setProfiles] = useState<DpiProfile[]>([]);
  const [form, setForm] = useState(EMPTY);
  const [json, setJson] = useState('');
  const [status, setStatus] = useState<Status>('idle');

  useEffect(() => {
    send({ type: 'profiles.get' }).then(setProfiles, () => setStatus('refused'));
  }, []);

  const save = async (next: DpiProfile[]) => {
    try {
      setProfiles(await send({ type: 'profiles.set', profiles: next }));
      setStatus('saved');
      return true;
    } catch {
      setStatus('refused');
      return false;
    }
  };

  const add = async (event: Event) => {
    event.preventDefault();
    if (await save([...profiles, toProfile(form)])) setForm(EMPTY);
  };

  const importJson = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return setStatus('refused');
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { profiles?: unknown })?.profiles;
    if (!Array.isArray(list)) return setStatus('refused');
    // Imported banners replace those of the same name and address.
    const key = (p: DpiProfile) => `${p.name}|${p.urlPrefix}`;
    const incoming = list as DpiProfile[];
    const kept = profiles.filter((p) => !incoming.some((i) => key(i) === key(p)));
    if (await save([...kept, ...incoming])) setJson('');
  };

  // The live preview: once asked, what each selector reads on the open DPI page, again at each change.
  const [preview, setPreview] = useState<PreviewResult | undefined>();
  const [previewing, setPreviewing] = useState(false);
  useEffect(() => {
    if (!previewing || !/^https?:\/\//.test(form.urlPrefix!.trim())) return;
    const selectors = Object.fromEntries(SELECTORS.filter((k) => form[k]!.trim()).map((k) => [k, form[k]!.trim()]));
    let current = true;
    send({ type: 'profiles.preview', urlPrefix: form.urlPrefix!.trim(), selectors }).then(
      (r) => current && setPreview(r),
      () => current && setPreview({ status: 'no-page' }),
    );
    return () => {
      current = false;
    };
  }, [previewing, form]);

  const field = (name: string, label: MessageKey, required = false) => (
    <p key={name}>
      <label for={`dpi-${name}`}>{t(label)}</label>
      <input
        id={`dpi-${name}`}
        type="text"
        spellcheck={false}
        required={required}
        value={form[name]}
        aria-describedby={preview?.status === 'ok' && name in preview.readings ? `dpi-${name}-reads` : undefined}
        onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
      {preview?.status === 'ok' && name in preview.readings && (
        <output id={`dpi-${name}-reads`} data-dpi-reads={name}>
          {' '}
          → {preview.readings[name] ?? t('dpiPreviewNothing')}
        </output>
      )}
    </p>
  );

  return (
    <section aria-labelledby="dpi-title">
      <h2 id="dpi-title">{t('dpiTitle')}</h2>
      <p class="muted">{t('dpiHelp')}</p>
      {profiles.length === 0 ? (
        <p>{t('dpiNone')}</p>
      ) : (
        <ul data-dpi-profiles>
          {profiles.map((p, i) => (
            <li key={`${p.name}|${p.urlPrefix}`}>
              <strong>{p.name}</strong> — {p.urlPrefix}{' '}
              <button type="button" class="secondary" onClick={() => save(profiles.filter((_, j) => j !== i))}>
                {t('dpiRemove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        {field('name', 'dpiName', true)}
        {field('urlPrefix', 'dpiUrlPrefix', true)}
        {SELECTORS.map((k) => field(k, `dpiSel_${k}`, k === 'ins'))}
        <p aria-live="polite" data-dpi-preview={preview?.status ?? 'none'}>
          {preview?.status === 'ok' && t('dpiPreviewFrom', preview.url)}
          {preview?.status === 'no-page' && t('dpiPreviewNone')}
        </p>
        <button type="button" class="secondary" data-dpi-preview-ask onClick={() => setPreviewing(true)}>
          {t('dpiPreview')}
        </button>{' '}
        <button type="submit">{t('dpiAdd')}</button>
      </form>
      <p>
        <label for="dpi-json">{t('dpiImportLabel')}</label>
        <textarea
          id="dpi-json"
          rows={6}
          spellcheck={false}
          value={json}
          onInput={(e) => setJson((e.target as HTMLTextAreaElement).value)}
        />
      </p>
      <button type="button" id="dpi-import" onClick={importJson}>
        {t('dpiImport')}
      </button>{' '}
      <button type="button" class="secondary" onClick={() => setJson(JSON.stringify(profiles, null, 2))}>
        {t('dpiExport')}
      </button>
      <p role="status" data-dpi-status={status}>
        {status === 'saved' && t('dpiSaved')}
        {status === 'refused' && t('dpiRefused')}
      </p>
    </section>
  );
}
