import { definePlugin, type HookName, type HookPlugin } from '@showrunner/core';
import type { Redis } from 'ioredis';
import { duplicate } from './connect.js';
import type { Keys } from './keys.js';

/** One event of a run as followers receive it: which hook (or `run` for the queue's own), and its event as JSON. */
export interface RunEvent {
  hook: HookName;
  event: { runId: string; stage?: string; status?: string; [field: string]: unknown };
}

const HOOKS: HookName[] = ['onStatusChange', 'onStepStart', 'onStepEnd', 'onStepFailed', 'onArtifact', 'onProgress'];
/** Events kept per run (older ones are trimmed): enough to replay a run's progress to a late follower. */
const KEEP = 5_000;
const TTL_SECONDS = 7 * 24 * 3600;

/** Append one event to the run's stream. Called by workers (through the hook plugin) and by the queue itself. */
export async function publish(redis: Redis, keys: Keys, runId: string, item: RunEvent): Promise<void> {
  const key = keys.events(runId);
  await redis.xadd(key, 'MAXLEN', '~', String(KEEP), '*', 'e', JSON.stringify(item));
  await redis.expire(key, TTL_SECONDS);
}

/**
 * The hook plugin a worker adds to every run it works on: each hook event goes to the run's stream,
 * where any listener (the CLI following a run, the hosted app) reads it. Runs off the recording clock
 * like every hook.
 */
export function publisher(redis: Redis, keys: Keys, runId: string): HookPlugin {
  const hooks = Object.fromEntries(
    HOOKS.map((hook) => [hook, (event: RunEvent['event']) => publish(redis, keys, runId, { hook, event })]),
  );
  return definePlugin({ name: 'showrunner:queue-events', hooks });
}

/**
 * Read a run's events from the first (or after `after`), then wait for new ones, until `signal`
 * aborts; `listener` is called for each, in order. Uses its own Redis connection (blocking reads).
 */
export async function follow(
  redis: Redis,
  keys: Keys,
  runId: string,
  listener: (item: RunEvent, id: string) => void | Promise<void>,
  options: { signal: AbortSignal; after?: string },
): Promise<void> {
  const reader = duplicate(redis);
  const key = keys.events(runId);
  let last = options.after ?? '0';
  try {
    while (!options.signal.aborted) {
      const got = (await reader.xread('COUNT', 200, 'BLOCK', 1000, 'STREAMS', key, last)) as
        | [string, [string, string[]][]][]
        | null;
      for (const [, entries] of got ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const json = fields[fields.indexOf('e') + 1];
          if (json) await listener(JSON.parse(json) as RunEvent, id);
          if (options.signal.aborted) return;
        }
      }
    }
  } finally {
    reader.disconnect();
  }
}
