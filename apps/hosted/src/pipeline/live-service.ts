import { db } from '../db/client';
import * as events from '../db/events';
import { hub } from '../realtime/hub';
import { requireDemo } from './common';
import type { DemoEvent } from './types';

/** This user's demo's events after `lastId` (oldest first, a page at a time); SR_NOT_FOUND for someone else's. */
export async function eventsAfter(userId: string, id: string, lastId: number): Promise<DemoEvent[]> {
  const { demo } = await requireDemo(db(), userId, id);
  return events.eventsAfter(db(), userId, demo.id, Number.isInteger(lastId) && lastId > 0 ? lastId : 0);
}

/**
 * Follow this user's demo live through the process's hub: `onEvent` gets every event after
 * `options.after` (default: the newest one now) exactly once, in order. Returns the unsubscribe.
 */
export async function subscribe(
  userId: string,
  id: string,
  onEvent: (event: DemoEvent) => void,
  options: { after?: number } = {},
): Promise<() => void> {
  const { demo } = await requireDemo(db(), userId, id);
  const after = options.after ?? (await events.lastEventId(db(), userId, demo.id));
  return hub().subscribe(demo.id, after, onEvent);
}
