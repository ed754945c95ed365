import { randomUUID } from 'node:crypto';
import { LanguageSchema, type Step } from '@showrunner/core';
import * as z from 'zod';
import { userState } from '../db/accounts';
import { lockUser, MAX_AWAITING_PAYMENT, refundRun, unpaidCount } from '../db/charges';
import { db } from '../db/client';
import * as demosDb from '../db/demos';
import { insertEvent, lastEventId } from '../db/events';
import { sharesOf } from '../db/shares';
import { creditsOf, takeCredit, upsertUser } from '../db/users';
import { HostedError } from '../errors';
import { requireDemo } from './common';
import { queue, withinTime } from './queue';
import { removeRunFiles } from './run-files';
import { submitRun } from './submit';
import type { DemoSummary, DemoView, NewDemo } from './types';
import { type RunResult, toSummary, toView } from './views';

const FINAL = ['done', 'failed', 'cancelled'];

/** Insert the signed-in user on their first request (idempotent; fills in email/name when given). */
export async function ensureUser(userId: string, profile?: { email?: string; name?: string }): Promise<void> {
  await upsertUser(db(), userId, profile);
}

/** True for a user deleted in Clerk (a tombstone): their still-valid session is treated as signed out. */
export async function isDeletedUser(userId: string): Promise<boolean> {
  return (await userState(db(), userId)) === 'deleted';
}

/** The dashboard: this user's demos, newest first, and the credits left. */
export async function listDemos(userId: string): Promise<{ demos: DemoSummary[]; credits: number }> {
  const [rows, credits] = await Promise.all([demosDb.listDemos(db(), userId), creditsOf(db(), userId)]);
  return { demos: rows.map((r) => toSummary(r.demo, r.run)), credits };
}

const NewDemoSchema = z.object({
  url: z
    .string({ error: 'a URL is needed' })
    .trim()
    .min(1, 'a URL is needed')
    .max(2048, 'the URL is longer than 2048 characters')
    .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), 'an http:// or https:// URL is needed'),
  description: z
    .string({ error: 'a description is needed' })
    .trim()
    .min(1, 'a description is needed')
    .max(4000, 'the description is longer than 4000 characters'),
  // core's own check, so every tag the pipeline accepts (zh-Hans, pt-BR) is accepted here too
  language: LanguageSchema.optional(),
});

/** A first title until the plan names the demo: the script's `Title:` (`标题：`) line, else the description's first line. */
export function firstTitle(description: string): string {
  const titled = /^\s*(?:title|标题)\s*[:：]\s*(.+)$/im.exec(description)?.[1];
  const line = (titled ?? description.split('\n').find((l) => l.trim()) ?? 'Demo').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/**
 * Start a demo: validate the form, take one credit in one statement when there is one (charged), insert
 * the demo with its run as `created`, then submit the run to the queue to be planned (submitRun: when
 * the queue cannot take it the run fails, a credit taken comes back, and SR_UNAVAILABLE is thrown).
 * Without a credit the demo is still planned and reviewed; confirm takes the credit the recording
 * needs. At most MAX_AWAITING_PAYMENT unfinished demos may hold no credit; one more is
 * SR_QUOTA_EXCEEDED naming `credits`. The no-credit path holds the user's row locked, so concurrent
 * creates count right.
 */
export async function createDemo(userId: string, input: NewDemo): Promise<DemoView> {
  const parsed = NewDemoSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HostedError('SR_BAD_REQUEST', issue.message, { field: String(issue.path[0] ?? 'url') });
  }
  const { url, description, language = 'en' } = parsed.data;
  const id = randomUUID();
  await db().transaction(async (tx) => {
    await upsertUser(tx, userId);
    // Taking a credit is the first statement; only without one is the user's row locked, so the count
    // of waiting demos cannot race (and a credit granted in between is taken then).
    let took = (await takeCredit(tx, userId)) !== undefined;
    if (!took) {
      if ((await lockUser(tx, userId)) === 'deleted') throw new HostedError('SR_FORBIDDEN', 'This account was deleted.');
      took = (await takeCredit(tx, userId)) !== undefined;
    }
    if (!took && (await unpaidCount(tx, userId)) >= MAX_AWAITING_PAYMENT)
      throw new HostedError(
        'SR_QUOTA_EXCEEDED',
        `No demos left on this plan, and ${MAX_AWAITING_PAYMENT} demos are already waiting for payment.`,
        { field: 'credits' },
      );
    await demosDb.insertDemo(
      tx,
      { id, ownerId: userId, title: firstTitle(description), url, description, language },
      { status: 'created', charged: took },
    );
    await insertEvent(tx, id, 'status', { status: 'created' });
  });
  await submitRun({ ownerId: userId, demoId: id, url, description, language });
  return getDemo(userId, id);
}

/** Everything /demo/[id] shows; SR_NOT_FOUND for someone else's demo. */
export async function getDemo(userId: string, id: string): Promise<DemoView> {
  return db().transaction(
    async (tx) => {
      const { demo, run } = await requireDemo(tx, userId, id);
      const [cards, shares, last] = [
        await demosDb.readSteps(tx, userId, demo.id),
        await sharesOf(tx, userId, demo.id),
        await lastEventId(tx, userId, demo.id),
      ];
      return toView(demo, run, { steps: cards as Step[], shares, lastEventId: last });
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/**
 * Cancel the demo's run: marked cancelled here at once (a page sees it live), then in the queue, whose
 * worker stops within moments. A finished run stays as it is.
 */
export async function cancelDemo(userId: string, id: string): Promise<DemoView> {
  const { demo, run, runId } = await requireDemo(db(), userId, id);
  if (run && FINAL.includes(run.status)) return getDemo(userId, id);
  await db().transaction(async (tx) => {
    const done = await demosDb.updateRun(
      tx,
      userId,
      demo.id,
      { status: 'cancelled', failure: null, errorCode: 'SR_ABORTED', errorMessage: 'Cancelled.', finishedAt: new Date() },
      ['awaiting_payment', 'created', 'awaiting_review', 'approved', 'running', 'paused'],
    );
    if (!done) return;
    await refundRun(tx, done.id); // only if it holds a credit and its recording never began
    await insertEvent(tx, demo.id, 'status', { status: 'cancelled' });
  });
  // awaiting_payment too: that run waits at review in the queue
  await withinTime('cancel', queue().cancel(runId, { by: userId })).catch((err: { code?: string }) => {
    if (err.code !== 'SR_RUN_INVALID') throw err; // never reached the queue: nothing to stop
  });
  return getDemo(userId, id);
}

/** Delete a demo: cancel its run, remove its files (run folder, local video, Storage objects), delete its rows. */
export async function deleteDemo(userId: string, id: string): Promise<void> {
  const { demo, run, runId } = await requireDemo(db(), userId, id);
  if (!run || !FINAL.includes(run.status)) await cancelDemo(userId, id).catch(() => {});
  await removeRunFiles(runId, run?.result as RunResult | null);
  await demosDb.deleteDemo(db(), userId, demo.id);
}
