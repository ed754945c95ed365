'use client';

import { useState } from 'react';
import type { Choice, DemoView, PendingFailure } from '@/src/pipeline/types';
import { ApiError, apiFetch } from '../api-client';
import { LocalTime } from '../LocalTime';
import styles from './FailurePanel.module.css';

/**
 * A paused run's question: the failed step's screenshot and message, and the three answers —
 * skip it, try again, or describe it by hand (a sentence the planner turns into new steps).
 */
export function FailurePanel({
  demoId,
  failure,
  onView,
}: {
  demoId: string;
  failure: PendingFailure;
  onView: (view: DemoView) => void;
}) {
  const [describing, setDescribing] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function send(choice: Choice) {
    setBusy(true);
    setError(undefined);
    try {
      onView(await apiFetch<DemoView>(`/api/demos/${demoId}/decision`, { method: 'POST', body: choice }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="failure-title" data-testid="failure-panel">
      <h2 id="failure-title">Step {failure.index + 1} could not be performed</h2>
      <div className={styles.body}>
        {failure.screenshotUrl && (
          <a href={failure.screenshotUrl} target="_blank" rel="noreferrer" className={styles.shot}>
            {/* biome-ignore lint/performance/noImgElement: a screenshot from the app's own API */}
            <img
              src={failure.screenshotUrl}
              alt={`The page when step ${failure.index + 1} failed`}
              data-testid="failure-screenshot"
            />
          </a>
        )}
        <div className={styles.text}>
          <p className={styles.message} data-testid="failure-message">
            {failure.message}
          </p>
          <p className="hint">
            <code>{failure.code}</code>
            {failure.attempt > 1 && ` · attempt ${failure.attempt}`}
            {failure.pageUrl && (
              <>
                {' · on '}
                <span className={styles.url}>{failure.pageUrl}</span>
              </>
            )}
          </p>
          {failure.deadline && (
            <p className="hint">
              Without an answer by <LocalTime iso={failure.deadline} />, the run decides by itself.
            </p>
          )}
        </div>
      </div>
      <fieldset className={styles.choices}>
        <legend className="visually-hidden">What should happen with this step?</legend>
        <button type="button" className="btn" onClick={() => send({ choice: 'skip' })} disabled={busy}>
          Skip this step
        </button>
        <button type="button" className="btn" onClick={() => send({ choice: 'retry' })} disabled={busy}>
          Try again
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => setDescribing(true)}
          disabled={busy}
          aria-expanded={describing}
        >
          Describe it by hand
        </button>
      </fieldset>
      {describing && (
        <form
          className={styles.describe}
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim()) setError('Write a sentence that says what to do instead.');
            else void send({ choice: 'describe', text: text.trim() });
          }}
        >
          <label htmlFor="describe-text" className="label">
            What should happen instead?
          </label>
          <textarea
            id="describe-text"
            rows={3}
            maxLength={1000}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="e.g. Click the button labelled Continue at the bottom of the form"
          />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Sending…' : 'Use this description'}
            </button>
            <button type="button" className="btn" onClick={() => setDescribing(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
