import type { Step } from '@showrunner/core';
import styles from './StepList.module.css';

/** The cards as they are being recorded (read-only), the current one marked. */
export function StepList({ steps, current }: { steps: Step[]; current?: number }) {
  if (steps.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="steps-title">
      <h2 id="steps-title">Steps</h2>
      <ol className={styles.list} data-testid="step-list">
        {steps.map((step, i) => (
          <li
            key={step.id}
            className={i === current ? styles.current : undefined}
            aria-current={i === current ? 'step' : undefined}
          >
            <span className={styles.action}>{step.action}</span>
            <span>{step.narration || step.title || describeTarget(step)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function describeTarget(step: Step): string {
  const t = step.target;
  const target = t ? (t.name ?? t.label ?? t.text ?? t.placeholder ?? t.testId ?? t.role ?? t.css) : undefined;
  const value = typeof step.value === 'string' ? step.value : undefined;
  return [target, value].filter(Boolean).join(' — ') || '—';
}
