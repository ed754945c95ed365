'use client';

import type { Step } from '@showrunner/core';
import { TARGET_KEYS, type TargetKey } from './cards';
import styles from './StepCard.module.css';

type Target = NonNullable<Step['target']>;

const KEY_LABEL: Record<TargetKey, string> = {
  role: 'Role',
  name: 'Name',
  label: 'Label',
  text: 'Text',
  placeholder: 'Placeholder',
  testId: 'Test id',
  css: 'CSS selector',
};

/**
 * The element a step acts on, as the fields it has (role and name, label, text, …): each one an
 * input with a remove button, plus a menu to add another way of finding it.
 */
export function TargetFields({
  prefix,
  target,
  invalid,
  errorId,
  onChange,
}: {
  prefix: string;
  target: Step['target'];
  invalid: boolean;
  errorId?: string;
  onChange: (target: Step['target']) => void;
}) {
  const present = TARGET_KEYS.filter((key) => target?.[key] !== undefined);
  const missing = TARGET_KEYS.filter((key) => target?.[key] === undefined);

  const set = (key: TargetKey, value: string | undefined) => {
    const next: Target = { ...target };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(Object.keys(next).length ? next : undefined);
  };

  return (
    <fieldset className={styles.target} aria-invalid={invalid || undefined} aria-describedby={invalid ? errorId : undefined}>
      <legend className="label">Target</legend>
      {present.length === 0 && <p className="hint">No element yet: add how the recorder finds it.</p>}
      {present.map((key) => (
        <div key={key} className={styles.targetRow}>
          <label className={styles.targetKey} htmlFor={`${prefix}-target-${key}`}>
            {KEY_LABEL[key]}
          </label>
          <input
            id={`${prefix}-target-${key}`}
            type="text"
            value={target?.[key] ?? ''}
            onChange={(e) => set(key, e.target.value)}
            aria-invalid={invalid || undefined}
          />
          <button
            type="button"
            className="btn btn-small btn-icon"
            onClick={() => set(key, undefined)}
            aria-label={`Remove ${KEY_LABEL[key].toLowerCase()} from the target`}
          >
            ×
          </button>
        </div>
      ))}
      {missing.length > 0 && (
        <div className={styles.targetAdd}>
          <label className="visually-hidden" htmlFor={`${prefix}-target-add`}>
            Add a way to find the element
          </label>
          <select
            id={`${prefix}-target-add`}
            value=""
            onChange={(e) => {
              if (e.target.value) set(e.target.value as TargetKey, '');
            }}
          >
            <option value="">+ Add target field…</option>
            {missing.map((key) => (
              <option key={key} value={key}>
                {KEY_LABEL[key]}
              </option>
            ))}
          </select>
        </div>
      )}
    </fieldset>
  );
}
