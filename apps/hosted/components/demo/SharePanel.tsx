'use client';

import { useState } from 'react';
import type { ShareLink } from '@/src/pipeline/types';
import { ApiError, apiFetch } from '../api-client';
import { LocalTime } from '../LocalTime';
import styles from './SharePanel.module.css';

/** Public links to the finished video: create one, copy it, open it, revoke it. */
export function SharePanel({ demoId, shares: initial }: { demoId: string; shares: ShareLink[] }) {
  const [shares, setShares] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [copied, setCopied] = useState<string | undefined>();
  const active = shares.filter((s) => !s.revokedAt);
  const revoked = shares.filter((s) => s.revokedAt);

  async function create() {
    setBusy(true);
    setError(undefined);
    try {
      const link = await apiFetch<ShareLink>(`/api/demos/${demoId}/shares`, { method: 'POST' });
      setShares((list) => [link, ...list]);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: string) {
    setError(undefined);
    try {
      await apiFetch(`/api/demos/${demoId}/shares/${token}`, { method: 'DELETE' });
      setShares((list) => list.map((s) => (s.token === token ? { ...s, revokedAt: new Date().toISOString() } : s)));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }

  async function copy(link: ShareLink, input: HTMLInputElement | null) {
    const url = absolute(link.path);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard permission (or not a secure context): select the text so Ctrl+C works.
      input?.select();
    }
    setCopied(link.token);
  }

  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="share-title" data-testid="share-panel">
      <div className={styles.head}>
        <h2 id="share-title">Share</h2>
        <button type="button" className="btn btn-primary btn-small" onClick={create} disabled={busy}>
          {busy ? 'Creating…' : 'Create share link'}
        </button>
      </div>
      {active.length === 0 && (
        <p className="muted">No public link yet. Anyone with a link can watch the video, without signing in.</p>
      )}
      <ul className={styles.list}>
        {active.map((link) => (
          <ShareRow key={link.token} link={link} copied={copied === link.token} onCopy={copy} onRevoke={revoke} />
        ))}
      </ul>
      {revoked.length > 0 && (
        <details className={styles.revoked}>
          <summary>
            {revoked.length} revoked {revoked.length === 1 ? 'link' : 'links'}
          </summary>
          <ul>
            {revoked.map((link) => (
              <li key={link.token}>
                <code>{link.path}</code> — revoked <LocalTime iso={link.revokedAt!} />
              </li>
            ))}
          </ul>
        </details>
      )}
      <p className="visually-hidden" aria-live="polite">
        {copied ? 'Link copied.' : ''}
      </p>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function ShareRow({
  link,
  copied,
  onCopy,
  onRevoke,
}: {
  link: ShareLink;
  copied: boolean;
  onCopy: (link: ShareLink, input: HTMLInputElement | null) => void;
  onRevoke: (token: string) => void;
}) {
  let input: HTMLInputElement | null = null;
  const id = `share-${link.token.slice(0, 8)}`;
  return (
    <li className={styles.row} data-testid="share-link">
      <label htmlFor={id} className="visually-hidden">
        Share link created <LocalTime iso={link.createdAt} />
      </label>
      <input
        id={id}
        ref={(el) => {
          input = el;
        }}
        type="text"
        readOnly
        value={absolute(link.path)}
        onFocus={(e) => e.currentTarget.select()}
        className={styles.url}
      />
      <div className={styles.buttons}>
        <button type="button" className="btn btn-small" onClick={() => onCopy(link, input)}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <a className="btn btn-small" href={link.path} target="_blank" rel="noreferrer">
          Open
        </a>
        <button type="button" className="btn btn-small btn-danger" onClick={() => onRevoke(link.token)}>
          Revoke
        </button>
      </div>
    </li>
  );
}

function absolute(path: string): string {
  return typeof window === 'undefined' ? path : new URL(path, window.location.origin).toString();
}
