'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, apiFetch } from '../api-client';
import styles from './UpgradeButton.module.css';

/** What UpgradeButton shows: a button, or a note when payments are off here. */
export interface UpgradeButtonProps {
  /** The plan to buy. */
  plan: 'pro' | 'team';
  /** The button's text (default "Upgrade to Pro" / "Upgrade to Team"). */
  label?: string;
  /** Known by a server page (the billing page); when absent the button asks GET /api/billing/checkout once. */
  configured?: boolean;
}

const NAMES = { pro: 'Pro', team: 'Team' } as const;

/**
 * Opens a LemonSqueezy checkout for `plan` over the page: POST /api/billing/checkout → { url }, shown
 * in a modal <dialog> holding an iframe of that URL (closable with its button or Escape; focus goes
 * back to the button). LemonSqueezy's own overlay script (lemon.js, from its CDN) is not used: it
 * cannot load offline (tests, `npm run hosted` without a network), and the overlay it draws is the
 * same iframe of the same URL. After paying, LemonSqueezy sends the webhook; the page learns of it
 * when it reloads (the billing page) or live (a demo waiting for payment). Used by the billing page,
 * the demo page's awaiting_payment panel and the dashboard's "no credits" notice.
 */
export function UpgradeButton({ plan, label, configured }: UpgradeButtonProps) {
  const [available, setAvailable] = useState<boolean | undefined>(configured);
  const [url, setUrl] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const dialog = useRef<HTMLDialogElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    if (configured !== undefined) return;
    const ctl = new AbortController();
    apiFetch<{ configured: boolean; plans: string[] }>('/api/billing/checkout', { signal: ctl.signal })
      .then((r) => setAvailable(r.configured && r.plans.includes(plan)))
      .catch(() => setAvailable(false));
    return () => ctl.abort();
  }, [configured, plan]);

  useEffect(() => {
    if (url) dialog.current?.showModal();
  }, [url]);

  if (available === false) {
    return (
      <p className={`hint ${styles.off}`} data-testid="payments-off">
        Payments are not configured on this server, so {NAMES[plan]} cannot be bought here.
      </p>
    );
  }

  async function open() {
    setBusy(true);
    setError(undefined);
    try {
      const res = await apiFetch<{ url: string }>('/api/billing/checkout', { method: 'POST', body: { plan } });
      setUrl(res.url);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The checkout could not be opened.');
    } finally {
      setBusy(false);
    }
  }

  // The button was disabled while the checkout was being made, so the dialog cannot give focus back to it by itself.
  function closed() {
    setUrl(undefined);
    button.current?.focus();
  }

  return (
    <span className={styles.wrap}>
      <button
        ref={button}
        type="button"
        className="btn btn-primary"
        onClick={open}
        disabled={busy || available === undefined}
        aria-busy={busy}
      >
        {busy ? 'Opening checkout…' : (label ?? `Upgrade to ${NAMES[plan]}`)}
      </button>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
      {url && (
        <dialog ref={dialog} className={styles.dialog} aria-labelledby={titleId} onClose={closed}>
          <div className={styles.head}>
            <h2 id={titleId} className={styles.title}>
              Checkout: {NAMES[plan]}
            </h2>
            <button type="button" className="btn btn-small" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
          <iframe
            className={styles.frame}
            src={url}
            title={`LemonSqueezy checkout for the ${NAMES[plan]} plan`}
            allow="payment"
          />
        </dialog>
      )}
    </span>
  );
}
