// Core's real runStage on two "machines" (separate folders) sharing one run store, with run files
// travelling through supabaseFiles and the storage stage publishing through supabaseStorage, all
// against the local Storage server. The pattern of core's files.test.ts, through a bucket.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRun, fileStore, readRun, resolveConfig, runStage, stageInputs } from '@showrunner/core';
import supabaseStorage, { supabaseFiles } from '@showrunner/plugin-supabase';
import { describe, expect, it } from 'vitest';
import { demo, storageServer, tempDir } from './helpers.js';
import { filesMerge, humTts, MERGED, paperRecorder } from './plugins.js';

describe('run files between machines through Supabase Storage', () => {
  it('records on machine A, then merges and stores on machine B, which never saw the run', async () => {
    const server = await storageServer();
    const [a, b, state] = await Promise.all([tempDir(), tempDir(), tempDir()]);
    const store = fileStore(state); // one store every machine reaches (Redis or Postgres in production)
    const connection = { url: server.url, serviceKey: server.serviceKey };
    const files = supabaseFiles(connection);
    const plugins = {
      tts: humTts(),
      record: paperRecorder(),
      merge: filesMerge(),
      storage: supabaseStorage({ ...connection, owner: 'acme' }),
    };
    const machineA = await resolveConfig(plugins, { root: a });
    const machineB = await resolveConfig(plugins, { root: b });
    const runId = path.basename(await createRun(state, { demo }));
    const onA = path.join(machineA.runsDir, runId);
    const onB = path.join(machineB.runsDir, runId);

    await runStage(machineA, 'tts', onA, { store, files });
    await runStage(machineA, 'record', onA, { store, files });
    const inputs = stageInputs('merge', await readRun(onB, store));
    expect(inputs).toEqual(['record/1/frame-0.jpg', 'record/1/frame-1.jpg', 'tts/1/s1.wav', 'tts/1/s2.wav']);
    for (const rel of inputs) expect(server.object('showrunner', `runs/${runId}/${rel}`), rel).toBeDefined();

    await runStage(machineB, 'merge', onB, { store, files });
    for (const rel of inputs)
      expect((await readFile(path.join(onB, rel))).equals(await readFile(path.join(onA, rel))), rel).toBe(true);
    // Pushed before the store said done, so a third machine could take storage.
    const pushed = server.objects('showrunner').filter((o) => o.name.startsWith(`runs/${runId}/merge/1/`));
    expect(pushed.map((o) => path.posix.basename(o.name)).sort()).toEqual(Object.keys(MERGED).sort());

    const stored = await runStage(machineB, 'storage', onB, { store, files });
    expect(stored.url).toContain(`/object/sign/showrunner/acme/${runId}/final.mp4?token=`);
    const video = Buffer.from(await (await fetch(stored.url)).arrayBuffer());
    expect(video.equals(await readFile(path.join(onB, 'merge', '1', 'final.mp4')))).toBe(true);
    expect((await readRun(onA, store)).state.status).toBe('done');
    expect(await readdir(path.join(onA))).not.toContain('merge'); // machine A never needed the merge

    await files.remove(runId);
    expect(server.objects('showrunner').every((o) => !o.name.startsWith(`runs/${runId}/`))).toBe(true);
    expect(server.objects('showrunner').filter((o) => o.name.startsWith(`acme/${runId}/`))).toHaveLength(6); // the published files stay
  });
});
