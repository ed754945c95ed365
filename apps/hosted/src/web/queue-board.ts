import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { STAGES } from '@showrunner/core';
import { Hono } from 'hono';
import { queue } from '../pipeline/queue';

/** Where the operator's queue view is mounted (the catch-all route app/admin/queues). */
export const BOARD_PATH = '/admin/queues';

let app: Hono | undefined;

/**
 * bull-board over the five stage queues of this deployment (REDIS_URL, SHOWRUNNER_QUEUE_PREFIX), as a
 * Hono app that answers the whole path: the page, its API and its static files. Built on first use.
 * The route in front of it lets only ADMIN_USER_IDS through.
 */
export function queueBoard(): Hono {
  if (app) return app;
  const adapter = new HonoAdapter(serveStatic).setBasePath(BOARD_PATH);
  const q = queue();
  createBullBoard({
    queues: STAGES.map((stage) => new BullMQAdapter(q.queue(stage), { description: `Showrunner ${stage} stage` })),
    // @bull-board/hono 9.10.1 carries its own copy of @bull-board/api's types (9.10.1 vs 9.10.2): the
    // shapes are the same, only TypeScript sees two declarations of a private field.
    serverAdapter: adapter as unknown as IServerAdapter,
    options: { uiConfig: { boardTitle: 'Showrunner queues' } },
  });
  app = new Hono().route(BOARD_PATH, adapter.registerPlugin());
  return app;
}
