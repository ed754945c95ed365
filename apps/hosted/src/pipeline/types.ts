import type { Step } from '@showrunner/core';

// The seam between the web app (pages, API routes) and the pipeline side (database, queue, files).
// API routes call the functions of `service.ts` with the signed-in user's id and return these shapes
// as JSON; pages render them. Every function is scoped to its owner: another user's demo is
// `HostedError('SR_NOT_FOUND')`, never a different answer.

/** core's run statuses (its RunStatusSchema), listed here so browser code need not load core. */
export const RUN_STATUSES = [
  'created',
  'awaiting_review',
  'approved',
  'running',
  'paused',
  'done',
  'failed',
  'cancelled',
] as const;
/** A run status as core has it. */
export type RunStatus = (typeof RUN_STATUSES)[number];
/**
 * What the dashboard and the demo page show: core's run statuses plus `awaiting_payment` (steps
 * confirmed without a credit: the run waits at review in the queue until a payment credits the
 * account, then it records by itself).
 */
export const DEMO_STATUSES = [...RUN_STATUSES, 'awaiting_payment'] as const;
export type DemoStatus = (typeof DEMO_STATUSES)[number];

/** A row of the dashboard. */
export interface DemoSummary {
  id: string;
  title: string;
  url: string;
  language: string;
  status: DemoStatus;
  /** The stage running now, if any. */
  stage?: string;
  /** 0..1 of the whole run, for a small bar. */
  progress?: number;
  /** Length of the finished video. */
  durationMs?: number;
  /** `/api/demos/<id>/files/poster` once the video exists. */
  thumbnailUrl?: string;
  /** When the video's files go under the owner's plan (ISO); absent = kept. */
  expiresAt?: string;
  /** When the retention job removed the files (ISO): the video is gone, the row stays. */
  expiredAt?: string;
  createdAt: string;
}

/** The failed step a paused run waits on (what the failure panel shows). */
export interface PendingFailure {
  stepId: string;
  index: number;
  code: string;
  message: string;
  attempt: number;
  /** `/api/demos/<id>/files/failure` when the recorder took a screenshot. */
  screenshotUrl?: string;
  pageUrl?: string;
  /** When the onFail policy answers by itself (ISO). */
  deadline?: string;
}

/** The finished video's files, served by the app (`/api/demos/<id>/files/<role>`) or signed storage URLs. */
export interface VideoFiles {
  video: string;
  poster?: string;
  /** WebVTT captions. */
  captions?: string;
  /** WebVTT chapters. */
  chapters?: string;
  durationMs: number;
}

/** Everything `/demo/[id]` shows. */
export interface DemoView extends DemoSummary {
  description: string;
  runId: string;
  /** Record stage: the step being performed (0-based) and how many there are. */
  stepIndex?: number;
  stepCount?: number;
  /** When the run started (ISO), for the elapsed-time counter. */
  startedAt?: string;
  error?: { code: string; message: string };
  /** The cards: present from review on. */
  steps: Step[];
  /** The run holds no credit and is not finished: its recording waits for payment (review says so). */
  needsPayment?: boolean;
  failure?: PendingFailure;
  files?: VideoFiles;
  shares: ShareLink[];
  /** The last event id, so the page's EventSource starts after what it rendered. */
  lastEventId: number;
}

export interface ShareLink {
  token: string;
  /** Absolute path of the public page: `/share/<token>`. */
  path: string;
  createdAt: string;
  revokedAt?: string;
}

/** What `/share/[token]` shows, without signing in. */
export type SharedVideo =
  | { state: 'ok'; title: string; files: VideoFiles }
  | { state: 'revoked' | 'expired' | 'missing'; title?: string };

/** One live event as the SSE endpoint sends it (`id:` is the event id, `data:` this JSON). */
export interface DemoEvent {
  id: number;
  type: 'status' | 'step' | 'progress' | 'failure' | 'decision' | 'steps';
  data: Record<string, unknown>;
  at: string;
}

/** The answer to a failed step, as the failure panel sends it. */
export type Choice = { choice: 'skip' } | { choice: 'retry' } | { choice: 'describe'; text: string };

/** A new demo, from the dashboard form. */
export interface NewDemo {
  url: string;
  description: string;
  /** BCP 47, default `en`. */
  language?: string;
}
