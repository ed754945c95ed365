import type { DemoStatus } from '@/src/pipeline/types';

// Words and numbers as the pages show them; shared by server and client components.

/** What each run status is called on the pages. */
export const STATUS_LABEL: Record<DemoStatus, string> = {
  created: 'Planning',
  awaiting_review: 'Ready for review',
  approved: 'Queued',
  running: 'Working',
  paused: 'Needs your answer',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  awaiting_payment: 'Waiting for payment',
};

/** What each stage does, in words. */
export const STAGE_LABEL: Record<string, string> = {
  parse: 'Planning the steps',
  tts: 'Recording the voice',
  record: 'Recording in the browser',
  merge: 'Putting the video together',
  storage: 'Saving the video',
};

/** Statuses in which the run still moves by itself (pages follow them live). */
export const ACTIVE: ReadonlySet<DemoStatus> = new Set(['created', 'approved', 'running']);

/** Statuses at which the run can still be cancelled. */
export const CANCELLABLE: ReadonlySet<DemoStatus> = new Set([
  'awaiting_payment',
  'created',
  'awaiting_review',
  'approved',
  'running',
  'paused',
]);

/** `83_000` → `1:23`; hours when needed. */
export function clock(ms: number): string {
  // Whole seconds elapsed, as the native video controls count them.
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A date as "2 Dec 2026, 14:05" in the reader's time zone (server: the server's). */
export function shortDate(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
