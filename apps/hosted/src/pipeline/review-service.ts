import { DemoSchema, LIMITS, parseDemo, planStep, type Step, StepInputSchema } from '@showrunner/core';
import { checkNarrationLength } from '../billing/limits';
import { planOf } from '../billing/plans';
import { db } from '../db/client';
import * as demosDb from '../db/demos';
import { insertEvent } from '../db/events';
import { planIdOf, takeCredit } from '../db/users';
import { HostedError } from '../errors';
import { conflict, fromCore, requireDemo } from './common';
import { hostedConfig } from './config';
import { getDemo } from './demo-service';
import { queue, withinTime } from './queue';
import type { Choice, DemoView } from './types';
import type { RunFailure } from './views';

/**
 * Check edited cards with core's step schema. The first problem is SR_INVALID_STEP naming
 * `steps.<i>.<field>` with `step = i`; steps without an id get one. Returns the cards as core Steps.
 */
export function checkCards(url: string, cards: unknown): Step[] {
  if (!Array.isArray(cards)) throw new HostedError('SR_BAD_REQUEST', 'The cards must be a list of steps.', { field: 'steps' });
  if (cards.length === 0) throw new HostedError('SR_INVALID_STEP', 'A demo needs at least one step.', { field: 'steps' });
  if (cards.length > LIMITS.steps) {
    throw new HostedError('SR_INVALID_STEP', `A demo has at most ${LIMITS.steps} steps.`, { field: 'steps' });
  }
  const seen = new Map<string, number>();
  for (const [i, card] of cards.entries()) {
    const parsed = StepInputSchema.safeParse(card);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = ['steps', i, ...issue.path].join('.');
      throw new HostedError(
        'SR_INVALID_STEP',
        `Step ${i + 1}: ${field.split('.').slice(2).join('.') || 'step'}: ${issue.message}`,
        {
          field,
          step: i,
        },
      );
    }
    const id = parsed.data.id;
    if (id && seen.has(id)) {
      throw new HostedError('SR_INVALID_STEP', `Step ${i + 1} has the same id "${id}" as step ${seen.get(id)! + 1}.`, {
        field: `steps.${i}.id`,
        step: i,
      });
    }
    if (id) seen.set(id, i);
  }
  const demo = DemoSchema.safeParse({ url, steps: cards });
  if (!demo.success) throw new HostedError('SR_INVALID_STEP', demo.error.issues[0]!.message, { field: 'steps' });
  return demo.data.steps;
}

/** Replace the cards of a demo at review, in one transaction, and tell the page (a `steps` event). */
export async function saveSteps(userId: string, id: string, steps: unknown[]): Promise<DemoView> {
  await db().transaction(async (tx) => {
    const { demo, run } = await requireDemo(tx, userId, id, true);
    if (run?.status !== 'awaiting_review') throw conflict('edit the steps', run?.status);
    const cards = checkCards(demo.url, steps);
    await demosDb.replaceSteps(tx, userId, demo.id, cards);
    await insertEvent(tx, demo.id, 'steps', { count: cards.length });
  });
  return getDemo(userId, id);
}

/**
 * Re-plan one card from a sentence with the hosted planner's single-step mode (core's planStep). `index`
 * is the card to replace (or the card count, to add one at the end). Returns the replacement cards,
 * with ids unique among the other cards; saves nothing.
 */
export async function replanStep(userId: string, id: string, index: number, sentence: string): Promise<Step[]> {
  const { demo, run, runId } = await requireDemo(db(), userId, id);
  if (run?.status !== 'awaiting_review') throw conflict('re-plan a step', run?.status);
  const cards = (await demosDb.readSteps(db(), userId, demo.id)) as Step[];
  if (!Number.isInteger(index) || index < 0 || index > cards.length) {
    throw new HostedError('SR_BAD_REQUEST', `There is no step ${Number(index) + 1} to re-plan.`, { field: 'index' });
  }
  const instruction = typeof sentence === 'string' ? sentence.trim() : '';
  if (!instruction) throw new HostedError('SR_BAD_REQUEST', 'Say what the step should do.', { field: 'sentence' });
  if (instruction.length > 4000)
    throw new HostedError('SR_BAD_REQUEST', 'The sentence is over 4000 characters.', { field: 'sentence' });
  const q = queue();
  let planned: Step[];
  try {
    planned = await planStep(
      await hostedConfig(),
      q.runDir(runId),
      { demo: { url: demo.url, title: demo.title, steps: cards }, index, instruction },
      { store: q.store, trust: 'untrusted', log: () => {} },
    );
  } catch (err) {
    const e = fromCore(err);
    throw e.code === 'SR_BAD_REQUEST' ? new HostedError('SR_BAD_REQUEST', e.message, { field: 'sentence', cause: err }) : e;
  }
  const taken = new Set(cards.filter((_, i) => i !== index).map((c) => c.id));
  return planned.map((step) => {
    let stepId = step.id;
    for (let n = 2; taken.has(stepId); n++) stepId = `${step.id}-${n}`;
    taken.add(stepId);
    return { ...step, id: stepId };
  });
}

/**
 * Approve the saved cards: checked as a demo (SR_INVALID_STEP naming the step) and against the
 * owner's plan (SR_PLAN_LIMIT when the narration alone is over its video length). A run holding no
 * credit takes one now, in one statement; with none left it waits as `awaiting_payment` with its cards
 * saved, and continueAwaitingDemos approves it when a payment credits the account. Otherwise the run is
 * marked approved and approveInQueue enqueues the recording.
 */
export async function confirm(userId: string, id: string): Promise<DemoView> {
  const approved = await db().transaction(async (tx) => {
    const { demo, run, runId } = await requireDemo(tx, userId, id, true);
    if (run?.status !== 'awaiting_review') throw conflict('confirm', run?.status);
    const cards = checkCards(demo.url, await demosDb.readSteps(tx, userId, demo.id));
    checkNarrationLength(planOf(await planIdOf(tx, userId)), cards);
    const paid = run.charged || (await takeCredit(tx, userId)) !== undefined;
    const status = paid ? 'approved' : 'awaiting_payment';
    await demosDb.updateRun(tx, userId, demo.id, {
      status,
      charged: paid,
      stage: null,
      progress: null,
      stepIndex: null,
      stepCount: cards.length,
      startedAt: paid ? new Date() : null,
    });
    await insertEvent(tx, demo.id, 'status', { status });
    return paid ? { demo, runId, cards } : undefined;
  });
  if (approved) await approveInQueue(userId, approved.demo, approved.runId, approved.cards);
  return getDemo(userId, id);
}

/**
 * Enqueue the recording of an `approved` run with its saved cards (`queue.approve`). If the queue
 * refuses, the run goes back to review (keeping its credit) and the error is thrown. Called by confirm
 * and continueAwaitingDemos after their transaction commits.
 */
export async function approveInQueue(
  userId: string,
  demo: { id: string; url: string; title: string; language: string },
  runId: string,
  cards: Step[],
): Promise<void> {
  try {
    const title = demo.title.slice(0, LIMITS.titleChars);
    const approved = parseDemo({ url: demo.url, title, language: demo.language, steps: cards }, 'the step cards');
    await withinTime('approve', queue().approve(runId, approved, { by: userId }));
  } catch (err) {
    await db().transaction(async (tx) => {
      const back = await demosDb.updateRun(tx, userId, demo.id, { status: 'awaiting_review' }, ['approved']);
      if (back) await insertEvent(tx, demo.id, 'status', { status: 'awaiting_review' });
    });
    throw fromCore(err, 'SR_INVALID_STEP');
  }
}

/**
 * Answer the failed step a paused run waits on: skip, retry, or describe it by hand (a sentence the
 * worker turns into replacement steps). Stored as a decisions row and a `decision` event; the run goes
 * on when the worker reports it.
 */
export async function answer(userId: string, id: string, choice: Choice): Promise<DemoView> {
  const kind = (choice as { choice?: unknown } | null)?.choice;
  if (kind !== 'skip' && kind !== 'retry' && kind !== 'describe') {
    throw new HostedError('SR_BAD_REQUEST', 'Choose skip, retry or describe.', { field: 'choice' });
  }
  const text = kind === 'describe' ? String((choice as { text?: unknown }).text ?? '').trim() : undefined;
  if (kind === 'describe' && !text)
    throw new HostedError('SR_BAD_REQUEST', 'Describe the step in a sentence.', { field: 'text' });
  if (text && text.length > 4000)
    throw new HostedError('SR_BAD_REQUEST', 'The description is over 4000 characters.', { field: 'text' });
  const { demo, run, runId } = await requireDemo(db(), userId, id);
  const failure = run?.failure as RunFailure | null;
  if (run?.status !== 'paused' || !failure) throw conflict('answer a failed step', run?.status);
  // The decision is logged first, so the page reads "decision" before the worker's "running".
  const decisionId = await db().transaction(async (tx) => {
    await demosDb.insertDecision(tx, userId, { demoId: demo.id, runId, stepId: failure.stepId, choice: kind, text });
    return insertEvent(tx, demo.id, 'decision', { choice: kind, text, stepId: failure.stepId, index: failure.index, by: userId });
  });
  const given = text !== undefined ? { describe: text } : (kind as 'skip' | 'retry');
  try {
    await withinTime('answer', queue().answer(runId, given, { by: userId }));
  } catch (err) {
    await db().transaction((tx) => demosDb.deleteDecisionEvent(tx, userId, demo.id, decisionId));
    throw err;
  }
  return getDemo(userId, id);
}
