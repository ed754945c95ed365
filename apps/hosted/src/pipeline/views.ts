import path from 'node:path';
import type { Step } from '@showrunner/core';
import type { DemoRow, RunRow } from '../db/demos';
import type { ShareRow } from '../db/shares';
import type { DemoStatus, DemoSummary, DemoView, PendingFailure, ShareLink, VideoFiles } from './types';

// Rows → the shapes the web gets (types.ts). Pure functions, called by the service.

const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8',
  '.srt': 'application/x-subrip',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
};
/** The Content-Type of a finished file, from its extension. */
export const typeOf = (file: string) => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** What the status hook stores in runs.result when a run is done. */
export interface RunResult {
  url: string;
  files: { role: string; path: string; url: string; contentType: string }[];
  durationMs: number;
  /** Chapters of the video (merge's), served as WebVTT by openFile('chapters'). */
  chapters?: { title: string; startMs: number; endMs: number }[];
}

/** What the status hook stores in runs.failure while a step waits for a decision. */
export interface RunFailure {
  stepId: string;
  index: number;
  code: string;
  message: string;
  attempt: number;
  /** Run-relative path of the screenshot. */
  screenshot?: string;
  pageUrl?: string;
  deadline?: string;
}

const FINAL = ['done', 'failed', 'cancelled'];

/** Share of the whole run each stage takes, for the dashboard's small bar: [start, width]. */
const SPAN: Record<string, [number, number]> = {
  parse: [0, 0.1],
  tts: [0.1, 0.1],
  record: [0.2, 0.5],
  merge: [0.7, 0.2],
  storage: [0.9, 0.1],
};

/** 0..1 of the whole run, from its status, stage and progress within the stage. */
export function overallProgress(run: RunRow): number {
  if (run.status === 'done') return 1;
  if (run.status === 'created') return 0;
  if (run.status === 'awaiting_review' || run.status === 'approved') return 0.1;
  const span = run.stage ? SPAN[run.stage] : undefined;
  if (!span) return 0;
  let within = run.progress ?? 0;
  if (run.stage === 'record' && run.progress == null && run.stepCount) within = (run.stepIndex ?? 0) / run.stepCount;
  return Math.min(1, span[0] + span[1] * Math.max(0, Math.min(1, within)));
}

/** The finished files as URLs under `base` (`/api/demos/<id>/files` or `/api/share/<token>/files`). */
export function videoFiles(run: RunRow, base: string): VideoFiles | undefined {
  const result = run.result as RunResult | null;
  if (run.status !== 'done' || !result) return undefined;
  const has = (role: string) => result.files.some((f) => f.role === role);
  return {
    video: `${base}/video`,
    poster: has('poster') ? `${base}/poster` : undefined,
    captions: has('captions') ? `${base}/captions` : undefined,
    chapters: result.chapters?.length ? `${base}/chapters` : undefined,
    durationMs: run.durationMs ?? result.durationMs,
  };
}

/** A dashboard row. */
export function toSummary(demo: DemoRow, run: RunRow | null): DemoSummary {
  const files = run && !demo.expiredAt ? videoFiles(run, `/api/demos/${demo.id}/files`) : undefined;
  return {
    id: demo.id,
    title: demo.title,
    url: demo.url,
    language: demo.language,
    status: (run?.status ?? 'created') as DemoStatus,
    stage: run?.stage ?? undefined,
    progress: run ? overallProgress(run) : 0,
    durationMs: files ? files.durationMs : undefined,
    thumbnailUrl: files?.poster,
    expiresAt: demo.expiresAt?.toISOString(),
    expiredAt: demo.expiredAt?.toISOString(),
    createdAt: demo.createdAt.toISOString(),
  };
}

/** A share link row as the page shows it. */
export const toShareLink = (row: ShareRow): ShareLink => ({
  token: row.token,
  path: `/share/${row.token}`,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString(),
});

/** Everything /demo/[id] shows. */
export function toView(
  demo: DemoRow,
  run: RunRow | null,
  extra: { steps: Step[]; shares: ShareRow[]; lastEventId: number },
): DemoView {
  const summary = toSummary(demo, run);
  const failure = run?.status === 'paused' ? (run.failure as RunFailure | null) : null;
  const pending: PendingFailure | undefined = failure
    ? {
        stepId: failure.stepId,
        index: failure.index,
        code: failure.code,
        message: failure.message,
        attempt: failure.attempt,
        screenshotUrl: failure.screenshot ? `/api/demos/${demo.id}/files/failure` : undefined,
        pageUrl: failure.pageUrl,
        deadline: failure.deadline,
      }
    : undefined;
  return {
    ...summary,
    description: demo.description,
    runId: demo.runId ?? demo.id,
    stepIndex: run?.stepIndex ?? undefined,
    stepCount: run?.stepCount ?? undefined,
    startedAt: run?.startedAt?.toISOString(),
    error: run?.errorCode ? { code: run.errorCode, message: run.errorMessage ?? '' } : undefined,
    steps: extra.steps,
    needsPayment: !!run && !run.charged && !FINAL.includes(run.status),
    failure: pending,
    // The retention job removed the files: the row stays, the player does not.
    files: run && !demo.expiredAt ? videoFiles(run, `/api/demos/${demo.id}/files`) : undefined,
    shares: extra.shares.map(toShareLink),
    lastEventId: extra.lastEventId,
  };
}
