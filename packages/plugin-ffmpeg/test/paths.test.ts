// Paths reach ffmpeg inside its concat script (one `file '...'` line per frame). Quotes, spaces
// and shell or ffmetadata characters in the run folder's path must just work; a frame path with a
// line break (from a tampered record/output.json) must be refused before ffmpeg reads anything.
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type RecordOutput, resolveConfig, runStage, type ShowrunnerError, writeJson } from '@showrunner/core';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FFMPEG, probeFile } from './media.js';
import { finalFiles, twoStepPlan as plan, tempDir, writeRun } from './scenario.js';

async function run(runsDir: string) {
  const root = await tempDir();
  const config = await resolveConfig({ merge: ffmpeg({ ffmpegPath: DEBIAN_FFMPEG, poster: 500 }), runsDir }, { root });
  const runDir = await writeRun(config.runsDir, plan);
  return { config, runDir };
}

describe('paths in the concat script', () => {
  it("encodes from a run folder whose path has quotes, spaces, backslashes, '$', ';', '#' and brackets", async () => {
    const { config, runDir } = await run(`runs 'q' "d" \\ $HOME;#x [a] {b}`);
    const out = await runStage(config, 'merge', runDir);
    const probe = await probeFile(path.join(runDir, out.files[0]!.path));
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 320, height: 200 });
    expect(out.files.map((f) => f.role)).toContain('poster');
  });

  const hostile = ['a\nfile x.jpg\nb.jpg', "a'\nfile 'x.jpg", 'a\rduration 99.jpg', 'a\x00.jpg', 'a\x1b[2J.jpg'];
  it(`refuses ${hostile.length} frame paths with control characters with a coded error naming the frame; ffmpeg never starts`, async () => {
    let through = 0;
    for (const name of hostile) {
      const { config, runDir } = await run('runs');
      const recordFile = path.join(runDir, 'record', 'output.json');
      const record = JSON.parse(await readFile(recordFile, 'utf8')) as RecordOutput;
      const framePath = `record/frames/${name}`;
      if (!name.includes('\x00'))
        await copyFile(path.join(runDir, record.recording.frames[2]!.path), path.join(runDir, framePath));
      record.recording.frames[2]!.path = framePath;
      await writeJson(recordFile, record);
      const err = await runStage(config, 'merge', runDir, { log: () => {} }).then(
        () => undefined,
        (e: unknown) => e as ShowrunnerError,
      );
      if (!err) through++;
      // Core's run-folder schema refuses a control character in any stored path before the merge sees it;
      // the merge's own check (SR_MERGE_INPUT_INVALID) stays behind it for callers that bypass core.
      expect(err, JSON.stringify(name)).toMatchObject({ code: 'SR_RUN_INVALID', field: 'recording.frames[2].path' });
      expect(await finalFiles(runDir)).toEqual([]);
    }
    expect(through).toBe(0);
  });
});
