'use client';

import type { DemoView } from '@/src/pipeline/types';
import { ACTIVE, clock, STAGE_LABEL, STATUS_LABEL } from '../format';
import styles from './StatusPanel.module.css';
import type { Connection } from './useDemoEvents';
import { useElapsed } from './useElapsed';

const CONNECTION_LABEL: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Live updates stopped — reload the page',
  off: '',
};

/**
 * Where the run is: status, stage, "step n of m", a progress bar and the time since it started.
 * The stage line is a live region, so a screen reader hears the run move on.
 */
export function StatusPanel({ view, connection }: { view: DemoView; connection: Connection }) {
  const moving = ACTIVE.has(view.status) || view.status === 'paused';
  const elapsed = useElapsed(view.startedAt, moving);
  const percent = view.progress === undefined ? undefined : Math.round(Math.min(1, Math.max(0, view.progress)) * 100);
  const stage = view.stage ? (STAGE_LABEL[view.stage] ?? view.stage) : undefined;
  const showStep = view.stage === 'record' && view.stepCount !== undefined && view.stepIndex !== undefined;

  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="status-title" data-testid="status-panel">
      <div className={styles.top}>
        <h2 id="status-title" className={styles.status} data-testid="status" data-status={view.status}>
          {STATUS_LABEL[view.status] ?? view.status}
        </h2>
        {connection !== 'off' && (
          <span className={`${styles.connection} ${styles[connection]}`} data-testid="connection">
            <span className={styles.dot} aria-hidden="true" />
            {CONNECTION_LABEL[connection]}
          </span>
        )}
      </div>
      <p className={styles.stage} aria-live="polite" data-testid="stage">
        {moving && stage ? stage : statusLine(view)}
        {moving && showStep && (
          <span data-testid="step-of">
            {' '}
            · step {Math.min(view.stepIndex! + 1, view.stepCount!)} of {view.stepCount}
          </span>
        )}
      </p>
      {moving && (
        <div
          className={styles.track}
          role="progressbar"
          aria-label="Progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={percent === undefined ? 'Working' : `${percent}%`}
          data-testid="progress"
        >
          <div
            className={`${styles.fill} ${percent === undefined ? styles.indeterminate : ''}`}
            style={percent === undefined ? undefined : { width: `${percent}%` }}
          />
        </div>
      )}
      {elapsed !== undefined && moving && (
        <p className={styles.elapsed}>
          Elapsed <span data-testid="elapsed">{clock(elapsed)}</span>
        </p>
      )}
    </section>
  );
}

function statusLine(view: DemoView): string {
  switch (view.status) {
    case 'awaiting_review':
      return 'The plan is ready. Check the cards below, change what you like, then confirm to record.';
    case 'awaiting_payment':
      return 'Waiting for payment: the steps are confirmed; recording starts by itself when your plan is upgraded.';
    case 'done':
      if (view.expiredAt) return 'The video was made, and has since expired.';
      return view.files ? `Your video is ready (${clock(view.files.durationMs)}).` : 'Your video is ready.';
    case 'failed':
      return 'The run stopped with an error.';
    case 'cancelled':
      return 'This run was cancelled.';
    case 'paused':
      return 'A step could not be performed. Choose what to do below.';
    default:
      return 'Starting…';
  }
}
