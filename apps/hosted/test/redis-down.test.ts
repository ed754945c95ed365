// The queue's Redis unreachable: a web request must not hang. createDemo answers SR_UNAVAILABLE after
// QUEUE_TIMEOUT_MS, gives the credit back and marks the run failed (the page says why).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { resetEnv } from '../src/env';
import { closeQueue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { createDatabase, dropDatabase } from './helpers';

let db: { url: string; name: string };
beforeAll(async () => {
  db = await createDatabase();
  await migrateDatabase(db.url);
  // Nothing listens on port 1: ioredis keeps retrying, and every queue command waits.
  Object.assign(process.env, { DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1', QUEUE_TIMEOUT_MS: '500' });
  resetEnv();
});
afterAll(async () => {
  await closeQueue();
  await closeDb();
  await dropDatabase(db.name);
  delete process.env.QUEUE_TIMEOUT_MS;
  resetEnv();
});

describe('Redis unreachable', () => {
  it('createDemo answers SR_UNAVAILABLE naming REDIS_URL, refunds the credit and marks the run failed', async () => {
    const user = 'user_no_redis';
    await service.ensureUser(user);
    const error = await service.createDemo(user, { url: 'https://app.example.com', description: 'go to /' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'SR_UNAVAILABLE' });
    expect(error.message).toContain('REDIS_URL');
    const { demos, credits } = await service.listDemos(user);
    expect(credits).toBe(3);
    expect(demos).toMatchObject([{ status: 'failed' }]);
    const view = await service.getDemo(user, demos[0]!.id);
    expect(view.error).toMatchObject({ code: 'SR_UNAVAILABLE' });
  });
});
