/**
 * Care-circle changes made while the platform could not be reached: those still waiting (sent
 * again automatically) and those the platform refused, with its reason, which the user can dismiss
 * once read. Nothing here is dropped without the user seeing it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { OutboxItem } from '../core/protocol.ts';
import { formatDateTime } from '../core/format.ts';
import { t } from '../ui/i18n.ts';
import { send } from '../ui/messaging.ts';

export function Outbox() {
  const [items, setItems] = useState<OutboxItem[] | undefined>();
  const load = () => send({ type: 'outbox.list' }).then(setItems, () => setItems([]));
  useEffect(() => void load(), []);

  const dismiss = async (key: string) => {
    await send({ type: 'outbox.dismiss', key }).catch(() => undefined);
    await load();
  };

  return (
    <section aria-labelledby="outbox-title" data-outbox={items?.length ?? 'loading'}>
      <h2 id="outbox-title">{t('outboxTitle')}</h2>
      {items && items.length === 0 && <p class="muted">{t('outboxEmpty')}</p>}
      <ul>
        {items?.map((item) => (
          <li key={item.key} data-outbox-item={item.state}>
            {t(item.change === 'join' ? 'outboxJoin' : 'outboxLeave', item.patientId, formatDateTime(item.createdAt))}{' '}
            {item.state === 'pending' ? (
              <span class="muted">{t('outboxPending', String(item.attempts))}</span>
            ) : (
              <>
                <strong class="alert">{t('outboxRefused', item.detail ?? '')}</strong>{' '}
                <button type="button" class="secondary" onClick={() => dismiss(item.key)}>
                  {t('outboxDismiss')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
