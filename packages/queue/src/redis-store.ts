import {
  type Demo,
  DemoSchema,
  type RunDoc,
  type RunPatch,
  RunStateSchema,
  type RunStore,
  ShowrunnerError,
  STAGES,
  StageOutputSchemas,
} from '@showrunner/core';
import type { Redis } from 'ioredis';
import type * as z from 'zod';

// put: compare the stored revision, then write every field of the patch at once (a Lua script runs
// atomically in Redis). KEYS[1] the run's hash; ARGV[1] the expected revision; then field/value pairs,
// a value of "" deletes the field.
const PUT = `
local rev = redis.call('HGET', KEYS[1], 'rev')
if rev == false or tonumber(rev) ~= tonumber(ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`;

const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1`;

/**
 * A RunStore in Redis: one hash per run (`<prefix>:run:<runId>` with `rev`, `state`, `demo` and one
 * `out:<stage>` field per output), written with compare-and-set in a Lua script, so every worker and
 * submitter on any machine sees one truth. Runs expire `ttlSeconds` after their last write (default
 * 30 days). Used by the queue by default; the hosted app may pass its Postgres store instead.
 */
export function redisStore(redis: Redis, options: { prefix: string; ttlSeconds?: number }): RunStore {
  const key = (runId: string) => `${options.prefix}:run:${runId}`;
  const ttl = options.ttlSeconds ?? 30 * 24 * 3600;
  return {
    async create(runId, doc) {
      const fields = ['rev', String(doc.state.rev), 'state', JSON.stringify(doc.state)];
      if (doc.demo) fields.push('demo', JSON.stringify(doc.demo));
      const created = await redis.eval(CREATE, 1, key(runId), ...fields);
      if (created !== 1) throw new ShowrunnerError('SR_RUN_INVALID', `A run ${runId} already exists.`, { field: 'runId' });
      await redis.expire(key(runId), ttl);
    },

    async get(runId) {
      const hash = await redis.hgetall(key(runId));
      if (!hash.state) return undefined;
      const where = `run ${runId} in Redis`;
      const state = parse(RunStateSchema, hash.state, `${where} (state)`);
      const demo = hash.demo ? (parse(DemoSchema, hash.demo, `${where} (demo)`) as Demo) : undefined;
      const outputs: RunDoc['outputs'] = {};
      for (const stage of STAGES) {
        const raw = hash[`out:${stage}`];
        if (raw) Object.assign(outputs, { [stage]: parse(StageOutputSchemas[stage], raw, `${where} (${stage} output)`) });
      }
      return { state, demo, outputs };
    },

    async put(runId, rev, patch: RunPatch) {
      const fields = ['rev', String(patch.state.rev), 'state', JSON.stringify(patch.state)];
      if (patch.demo !== undefined) fields.push('demo', patch.demo === null ? '' : JSON.stringify(patch.demo));
      for (const [stage, output] of Object.entries(patch.outputs ?? {})) {
        fields.push(`out:${stage}`, output === null ? '' : JSON.stringify(output));
      }
      const written = (await redis.eval(PUT, 1, key(runId), String(rev), ...fields)) === 1;
      if (written) await redis.expire(key(runId), ttl);
      return written;
    },
  };
}

function parse<S extends z.ZodType>(schema: S, text: string, where: string): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ShowrunnerError('SR_RUN_INVALID', `${where} is not valid JSON.`, { cause: err });
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ShowrunnerError('SR_RUN_INVALID', `${where}: ${result.error.issues[0]?.message ?? 'invalid'}`, {
    field: result.error.issues[0]?.path.join('.'),
  });
}
