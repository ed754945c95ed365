'use client';

import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Step } from '@showrunner/core';
import { useState } from 'react';
import { ACTIONS, type CardError, TAKES_TARGET, TAKES_VALUE, VALUE_HINT } from './cards';
import styles from './StepCard.module.css';
import { TargetFields } from './TargetFields';

/** What a card can ask of the editor. */
export interface CardActions {
  onChange: (step: Step) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
  /** Re-plans this card from a sentence; rejects with the message to show. */
  onReplan: (sentence: string) => Promise<void>;
}

/**
 * One step card at review: action, narration, target and value, with a drag handle (pointer and
 * keyboard through dnd-kit), move up/down buttons, delete, and "re-plan from a sentence". An error
 * from saving is shown on the card and marks the field it names.
 */
export function StepCard({
  step,
  index,
  count,
  error,
  startReplanning = false,
  disabled,
  ...actions
}: { step: Step; index: number; count: number; error?: CardError; startReplanning?: boolean; disabled: boolean } & CardActions) {
  const sortable = useSortable({ id: step.id, disabled });
  const [replanning, setReplanning] = useState(startReplanning);
  const [sentence, setSentence] = useState('');
  const [replanError, setReplanError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = `card-${step.id}`;
  const n = index + 1;
  const errorId = error ? `${id}-error` : undefined;
  const invalid = (field: string) => error?.field === field || undefined;
  const value = typeof step.value === 'object' ? undefined : step.value;

  async function replan() {
    if (!sentence.trim()) {
      setReplanError('Describe the step in a sentence first.');
      return;
    }
    setBusy(true);
    setReplanError(undefined);
    try {
      await actions.onReplan(sentence.trim());
      setReplanning(false);
      setSentence('');
    } catch (err) {
      setReplanError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li
      ref={sortable.setNodeRef}
      style={{ transform: CSS.Translate.toString(sortable.transform), transition: sortable.transition }}
      className={`${styles.card} ${sortable.isDragging ? styles.dragging : ''} ${error ? styles.hasError : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid="step-card"
      data-step-id={step.id}
    >
      <div className={styles.head}>
        <button
          type="button"
          ref={sortable.setActivatorNodeRef}
          className={`btn btn-small btn-icon ${styles.handle}`}
          aria-label={`Drag step ${n}. Press space to pick it up, arrow keys to move, space to drop.`}
          {...sortable.attributes}
          {...sortable.listeners}
        >
          <span aria-hidden="true">⠿</span>
        </button>
        <h3 id={`${id}-title`} className={styles.title}>
          Step {n}
        </h3>
        <label className="visually-hidden" htmlFor={`${id}-action`}>
          Action of step {n}
        </label>
        <select
          id={`${id}-action`}
          className={styles.action}
          value={step.action}
          onChange={(e) => actions.onChange({ ...step, action: e.target.value as Step['action'] })}
          aria-invalid={invalid('action')}
        >
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <div className={styles.tools}>
          <button
            type="button"
            className="btn btn-small btn-icon"
            onClick={() => actions.onMove(index - 1)}
            disabled={index === 0}
            aria-label={`Move step ${n} up`}
          >
            ↑
          </button>
          <button
            type="button"
            className="btn btn-small btn-icon"
            onClick={() => actions.onMove(index + 1)}
            disabled={index === count - 1}
            aria-label={`Move step ${n} down`}
          >
            ↓
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={actions.onRemove} aria-label={`Delete step ${n}`}>
            Delete
          </button>
        </div>
      </div>

      <div className="field">
        <label htmlFor={`${id}-narration`}>Narration</label>
        <textarea
          id={`${id}-narration`}
          rows={2}
          maxLength={1000}
          value={step.narration ?? ''}
          onChange={(e) => actions.onChange({ ...step, narration: e.target.value })}
          aria-invalid={invalid('narration')}
          aria-describedby={invalid('narration') ? errorId : undefined}
        />
      </div>

      <div className={styles.grid}>
        {TAKES_TARGET.has(step.action) && (
          <TargetFields
            prefix={id}
            target={step.target}
            invalid={Boolean(invalid('target'))}
            errorId={errorId}
            onChange={(target) => actions.onChange({ ...step, target })}
          />
        )}
        {(TAKES_VALUE.has(step.action) || step.value !== undefined) && (
          <div className="field">
            <label htmlFor={`${id}-value`}>Value</label>
            {typeof step.value === 'object' ? (
              <p className="hint" id={`${id}-value`}>
                Read from the environment variable <code>{step.value.env}</code> when recording.
              </p>
            ) : (
              <input
                id={`${id}-value`}
                type="text"
                value={value ?? ''}
                placeholder={VALUE_HINT[step.action]}
                onChange={(e) => actions.onChange({ ...step, value: e.target.value === '' ? undefined : e.target.value })}
                aria-invalid={invalid('value')}
                aria-describedby={invalid('value') ? errorId : undefined}
              />
            )}
          </div>
        )}
      </div>

      {error && (
        <p id={errorId} className="error-text" role="alert" data-testid="card-error">
          {error.field ? `${error.field}: ` : ''}
          {error.message}
        </p>
      )}

      {replanning ? (
        <div className={styles.replan}>
          <label htmlFor={`${id}-sentence`}>Describe this step in a sentence</label>
          <div className={styles.replanRow}>
            <input
              id={`${id}-sentence`}
              type="text"
              value={sentence}
              maxLength={1000}
              placeholder="e.g. Click the blue Save button"
              onChange={(e) => setSentence(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void replan();
                }
              }}
              aria-invalid={replanError ? true : undefined}
              aria-describedby={replanError ? `${id}-replan-error` : undefined}
            />
            <button type="button" className="btn btn-small btn-primary" onClick={replan} disabled={busy}>
              {busy ? 'Planning…' : 'Re-plan'}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setReplanning(false)} disabled={busy}>
              Close
            </button>
          </div>
          {replanError && (
            <p id={`${id}-replan-error`} className="error-text" role="alert">
              {replanError}
            </p>
          )}
        </div>
      ) : (
        <button type="button" className={`btn btn-small ${styles.replanOpen}`} onClick={() => setReplanning(true)}>
          Re-plan from a sentence
        </button>
      )}
    </li>
  );
}
