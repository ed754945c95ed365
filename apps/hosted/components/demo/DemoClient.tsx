'use client';

import Link from 'next/link';
import { useCallback, useRef, useState } from 'react';
import { DEMO_STATUSES, type DemoEvent, type DemoStatus, type DemoView } from '@/src/pipeline/types';
import { apiFetch } from '../api-client';
import { LocalTime } from '../LocalTime';
import { VideoPlayer } from '../player/VideoPlayer';
import { StatusBadge } from '../StatusBadge';
import { DemoActions } from './DemoActions';
import styles from './DemoClient.module.css';
import { FailurePanel } from './FailurePanel';
import { ExpiredPanel, PaymentPanel, ReviewPaymentNotice } from './PaymentPanel';
import { SharePanel } from './SharePanel';
import { StatusPanel } from './StatusPanel';
import { StepEditor } from './StepEditor';
import { StepList } from './StepList';
import { useDemoEvents } from './useDemoEvents';

const FINAL: ReadonlySet<DemoStatus> = new Set(['done', 'failed', 'cancelled']);
/** Events that only move the step counter: applied as they come, without asking for the whole view. */
const COUNTERS: ReadonlySet<DemoEvent['type']> = new Set(['step']);
/** At most one refresh per this many ms while progress events stream in. */
const REFRESH_EVERY_MS = 500;

/**
 * `/demo/[id]` in the browser: starts from the server's view, follows the live events, and shows
 * what the status calls for — the upgrade panel while waiting for payment, the cards at review (with
 * a notice when the demo holds no credit), the
 * failure panel when paused, the player and share links when done (or that the video expired).
 */
export function DemoClient({ initial }: { initial: DemoView }) {
  const [view, setView] = useState(initial);
  const inflight = useRef(false);
  const again = useRef(false);

  // One request at a time, at most one per REFRESH_EVERY_MS; events that arrive meanwhile ask for one
  // more afterwards, so the last event is always reflected.
  const refresh = useCallback(async () => {
    if (inflight.current) {
      again.current = true;
      return;
    }
    inflight.current = true;
    try {
      do {
        again.current = false;
        const started = Date.now();
        try {
          setView(await apiFetch<DemoView>(`/api/demos/${initial.id}`));
        } catch {
          // The next event (or the reconnect) tries again; the page keeps what it shows.
        }
        const wait = REFRESH_EVERY_MS - (Date.now() - started);
        if (again.current && wait > 0) await new Promise((r) => setTimeout(r, wait));
      } while (again.current);
    } finally {
      inflight.current = false;
    }
  }, [initial.id]);

  const onEvent = useCallback(
    (event: DemoEvent) => {
      setView((current) => applyEvent(current, event));
      if (!COUNTERS.has(event.type)) void refresh();
    },
    [refresh],
  );

  const connection = useDemoEvents(initial.id, initial.lastEventId, !FINAL.has(view.status), onEvent);

  return (
    <div className={styles.page}>
      <Link href="/dashboard" className={styles.back}>
        ← All demos
      </Link>
      <header className={styles.header}>
        <div className={styles.titleBlock}>
          <div className="row">
            <h1 className={styles.title}>{view.title}</h1>
            <StatusBadge status={view.status} />
          </div>
          <p className={styles.meta}>
            <a href={view.url} target="_blank" rel="noreferrer" className={styles.url}>
              {view.url}
            </a>
            <span>
              {' · '}created <LocalTime iso={view.createdAt} />
            </span>
          </p>
          <p className={styles.description}>{view.description}</p>
        </div>
        <DemoActions view={view} onView={setView} />
      </header>

      <StatusPanel view={view} connection={connection} />

      {view.status === 'failed' && view.error && (
        <div className="notice notice-error" role="alert" data-testid="run-error">
          <strong>{view.error.code}</strong>: {view.error.message}
        </div>
      )}

      {view.status === 'awaiting_payment' && <PaymentPanel />}

      {view.status === 'done' && view.expiredAt && <ExpiredPanel expiredAt={view.expiredAt} />}

      {view.status === 'paused' && view.failure && <FailurePanel demoId={view.id} failure={view.failure} onView={setView} />}

      {view.status === 'awaiting_review' && view.needsPayment && <ReviewPaymentNotice />}

      {view.status === 'awaiting_review' && (
        <StepEditor demoId={view.id} steps={view.steps} needsPayment={view.needsPayment} onView={setView} />
      )}

      {view.status === 'done' && view.files && (
        <>
          <section className="panel stack" aria-labelledby="video-title">
            <div className={styles.videoHead}>
              <h2 id="video-title">Video</h2>
              <a
                className="btn btn-small"
                href={downloadUrl(view.files.video)}
                download={`${slug(view.title)}.mp4`}
                data-testid="download"
              >
                Download
              </a>
            </div>
            <VideoPlayer files={view.files} title={view.title} language={view.language} />
          </section>
          <SharePanel demoId={view.id} shares={view.shares} />
        </>
      )}

      {view.status !== 'awaiting_review' && (
        <StepList steps={view.steps} current={view.stage === 'record' ? view.stepIndex : undefined} />
      )}
    </div>
  );
}

const STATUSES: ReadonlySet<string> = new Set(DEMO_STATUSES);

/**
 * The view with what an event says at once (the rest comes from a refresh): a status event's status
 * and stage, a step event's "step n of m". The data shapes are the status hook's.
 */
function applyEvent(view: DemoView, event: DemoEvent): DemoView {
  const data = event.data ?? {};
  const next: DemoView = { ...view, lastEventId: Math.max(view.lastEventId, event.id) };
  if (event.type === 'status') {
    if (typeof data.status === 'string' && STATUSES.has(data.status)) next.status = data.status as DemoStatus;
    if (typeof data.stage === 'string') next.stage = data.stage;
  } else if (event.type === 'step') {
    next.stage = 'record';
    if (typeof data.index === 'number') next.stepIndex = data.index;
    if (typeof data.count === 'number') next.stepCount = data.count;
  }
  return next;
}

function downloadUrl(video: string): string {
  return video.startsWith('/') ? `${video}${video.includes('?') ? '&' : '?'}download=1` : video;
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'demo'
  );
}
