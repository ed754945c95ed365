// Live test against a real Supabase project. It runs only when SUPABASE_URL and
// SUPABASE_SERVICE_ROLE_KEY are set (without them there is nothing to reach); the bucket is
// SUPABASE_TEST_BUCKET (default "showrunner", private, must exist). It stores a merged run with a
// resumable-sized video, checks the signed link, moves run files through the bucket, and cleans up.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import supabaseStorage, { supabaseFiles } from '@showrunner/plugin-supabase';
import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mergedRun, put, tempDir } from './helpers.js';

const live = Boolean(process.env.SUPABASE_URL && process.env.SUPABASE_SERVICE_ROLE_KEY);
const bucket = process.env.SUPABASE_TEST_BUCKET ?? 'showrunner';

describe('Supabase Storage, live', () => {
  it.runIf(live)(
    'stores a run (8 MB video through TUS) with working signed links, and moves run files through the bucket',
    async () => {
      const owner = 'showrunner-live-test';
      const run = await mergedRun(supabaseStorage({ bucket, owner, signedUrlExpiresIn: 600 }), {
        'final.mp4': 8 * 1024 * 1024,
        'captions.vtt': 500,
      });
      const files = supabaseFiles({ bucket, prefix: 'showrunner-live-test-runs' });
      const api = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!, {
        auth: { persistSession: false },
        realtime: { transport: WebSocket as never },
      }).storage.from(bucket);
      try {
        const out = await run.store();
        const res = await fetch(out.url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('video/mp4');
        expect(Buffer.from(await res.arrayBuffer()).equals(await run.merged('final.mp4'))).toBe(true);
        expect((await fetch(out.url.replace(/token=.{8}/, 'token=AAAAAAAA'))).status).toBe(400);

        const a = await tempDir();
        const data = await put(a, 'record/1/frame-0.jpg', 4096);
        await files.push(run.runId, ['record'], a);
        const b = await tempDir();
        await files.pull(run.runId, ['record/1/frame-0.jpg'], b);
        expect((await readFile(path.join(b, 'record/1/frame-0.jpg'))).equals(data)).toBe(true);
      } finally {
        await files.remove(run.runId);
        await api.remove(['final.mp4', 'captions.vtt'].map((name) => `${owner}/${run.runId}/${name}`));
      }
      expect((await api.list(`showrunner-live-test-runs/${run.runId}`)).data).toEqual([]);
    },
    180_000,
  );
});
