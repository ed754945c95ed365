import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import installer from '@ffmpeg-installer/ffmpeg';
import { type RecordOutput, readRun, resolveConfig, runStage, ShowrunnerError, writeJson } from '@showrunner/core';
import ffmpeg, { locateFfmpeg, probe } from '@showrunner/plugin-ffmpeg';
import { describe, expect, it } from 'vitest';
import { probeFile, toneWav } from './media.js';
import { demoWith, finalFiles, framesFor, twoStepPlan as plan, type StepPlan, tempDir, writeRun } from './scenario.js';

const clip = (ms: number, text: string) => ({ wav: toneWav({ ms, rate: 24_000, amp: 0.3 }), rate: 24_000, durationMs: ms, text });

async function setup(options: Parameters<typeof ffmpeg>[0] = {}) {
  const root = await tempDir();
  const config = await resolveConfig({ merge: ffmpeg({ ffmpegPath: '/usr/bin/ffmpeg', ...options }) }, { root });
  const runDir = await writeRun(config.runsDir, plan);
  const recordFile = path.join(runDir, 'record', 'output.json');
  const record = JSON.parse(await readFile(recordFile, 'utf8')) as RecordOutput;
  const quiet = { log: () => {} }; // ffmpeg's warnings before a failure would only clutter the test output
  const fail = () =>
    runStage(config, 'merge', runDir, quiet).then(
      () => undefined,
      (e: unknown) => e as ShowrunnerError,
    );
  return { runDir, record, recordFile, fail };
}

describe('bad input', () => {
  it('zero steps: SR_MERGE_INPUT_INVALID, the run folder is kept and marked failed', async () => {
    const { runDir, record, recordFile, fail } = await setup();
    await writeJson(recordFile, { ...record, steps: [] });
    const err = await fail();
    expect(err).toMatchObject({ code: 'SR_MERGE_INPUT_INVALID', stage: 'merge', field: 'steps' });
    expect(err?.hint).toMatch(/--from record/);
    const run = await readRun(runDir);
    expect(run.state.stages.merge).toMatchObject({ status: 'failed', error: { code: 'SR_MERGE_INPUT_INVALID' } });
    expect(run.outputs.record?.recording.frames.length).toBeGreaterThan(0);
  });

  it('no frames, a missing frame and an empty frame are named', async () => {
    const a = await setup();
    await writeJson(a.recordFile, { ...a.record, recording: { ...a.record.recording, frames: [] } });
    expect(await a.fail()).toMatchObject({ code: 'SR_MERGE_INPUT_INVALID', field: 'recording.frames' });

    const b = await setup();
    const gone = b.record.recording.frames[3]!.path;
    await rm(path.join(b.runDir, gone));
    const missing = await b.fail();
    expect(missing).toMatchObject({
      code: 'SR_MERGE_INPUT_INVALID',
      field: 'recording.frames.3',
      file: path.join(b.runDir, gone),
    });
    expect(missing?.message).toContain('missing');

    const c = await setup();
    const empty = c.record.recording.frames[5]!.path;
    await truncate(path.join(c.runDir, empty), 0);
    const emptied = await c.fail();
    expect(emptied).toMatchObject({ code: 'SR_MERGE_INPUT_INVALID', field: 'recording.frames.5' });
    expect(emptied?.message).toContain('empty');
  });

  it('a clip that is not audio names its step and file', async () => {
    const { runDir, fail } = await setup();
    const wav = path.join(runDir, 'tts', 's2.wav');
    await writeFile(wav, 'this is not a wav file, it is text');
    const err = await fail();
    expect(err).toMatchObject({ code: 'SR_MERGE_INPUT_INVALID', step: { index: 1, id: 's2' }, file: wav });
    expect(err?.message).toMatch(/not audio: it has no RIFF\/WAVE header/);
    expect(err?.hint).toMatch(/--from tts/);
  });

  it('every step skipped is reported, not encoded', async () => {
    const { record, recordFile, fail } = await setup();
    await writeJson(recordFile, { ...record, steps: record.steps.map((s) => ({ step: s.step, status: 'skipped' })) });
    expect(await fail()).toMatchObject({ code: 'SR_MERGE_INPUT_INVALID', field: 'steps' });
  });
});

describe('ffmpeg discovery', () => {
  it('a missing binary is SR_FFMPEG_NOT_FOUND with install hints', async () => {
    const { fail } = await setup({ ffmpegPath: '/nonexistent/ffmpeg' });
    const err = await fail();
    expect(err).toMatchObject({ code: 'SR_FFMPEG_NOT_FOUND', stage: 'merge', plugin: '@showrunner/plugin-ffmpeg' });
    expect(err?.message).toContain('/nonexistent/ffmpeg');
    expect(err?.hint).toMatch(/apt-get install ffmpeg/);
    expect(err?.hint).toMatch(/npm install @ffmpeg-installer\/ffmpeg/);
  });

  it('searches the option, FFMPEG_PATH, PATH, then the npm package', async () => {
    const debian = '/usr/bin/ffmpeg';
    expect(await locateFfmpeg({ option: debian, env: { FFMPEG_PATH: installer.path, PATH: '' } })).toEqual({
      path: debian,
      source: 'option',
    });
    expect(await locateFfmpeg({ env: { FFMPEG_PATH: installer.path, PATH: '/usr/bin' } })).toEqual({
      path: installer.path,
      source: 'FFMPEG_PATH',
    });
    expect(await locateFfmpeg({ env: { PATH: '/nonexistent:/usr/bin' } })).toEqual({ path: debian, source: 'PATH' });
    expect(await locateFfmpeg({ env: { PATH: '/nonexistent' } })).toEqual({
      path: installer.path,
      source: '@ffmpeg-installer/ffmpeg',
    });
    const none = await locateFfmpeg({ env: { PATH: '' }, installer: async () => undefined }).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'SR_FFMPEG_NOT_FOUND' });
    const wrongEnv = await locateFfmpeg({ env: { FFMPEG_PATH: '/nope/ffmpeg' } }).catch((e: unknown) => e);
    expect(wrongEnv).toMatchObject({ code: 'SR_FFMPEG_NOT_FOUND', message: expect.stringContaining('FFMPEG_PATH') });
  });

  it('probes each build once: version, filters, encoders and -fps_mode', async () => {
    const [old, debian] = await Promise.all([probe(installer.path), probe('/usr/bin/ffmpeg')]);
    expect(old.libavfilter[0]).toBe(7);
    expect(old.fpsMode).toBe(false);
    expect(debian.libavfilter[0]).toBeGreaterThanOrEqual(8);
    expect(debian.fpsMode).toBe(true);
    for (const caps of [old, debian]) {
      expect([...caps.encoders]).toEqual(expect.arrayContaining(['libx264', 'aac', 'mov_text', 'libvpx-vp9']));
      expect([...caps.filters]).toEqual(expect.arrayContaining(['zoompan', 'subtitles', 'drawtext', 'fps', 'concat']));
    }
    expect(await probe(installer.path)).toBe(old); // cached
  });

  it('puts the end of ffmpeg’s stderr into SR_FFMPEG_FAILED (a full disk, simulated with ulimit -f)', async () => {
    const wrapper = path.join(await tempDir(), 'ffmpeg');
    await writeFile(wrapper, '#!/bin/sh\ntrap \'\' XFSZ\nulimit -f 20\nexec /usr/bin/ffmpeg "$@"\n', { mode: 0o755 });
    const { runDir, fail } = await setup({ ffmpegPath: wrapper });
    const err = await fail();
    expect(err).toMatchObject({ code: 'SR_FFMPEG_FAILED', stage: 'merge' });
    // ffmpeg 5.1 exits 0 after "Error writing trailer: File too large"; the plugin checks the file itself.
    expect(err?.message).toMatch(/(exited with code \d+ while writing final\.mp4|final\.mp4 is incomplete)/);
    expect(err?.message).toContain('File too large');
    expect(await finalFiles(runDir)).toEqual([]);
  });

  it('a font file that does not exist is a config error, not a silent fallback', async () => {
    const { fail } = await setup({ intro: true, font: '/nonexistent/font.ttf' });
    expect(await fail()).toMatchObject({ code: 'SR_CONFIG_INVALID', field: 'font' });
  });
});

describe('edge cases', () => {
  it('a silent demo with frames out of order, odd sizes, zoom, mono and no loudness target still encodes', async () => {
    const root = await tempDir();
    const silentSteps: StepPlan[] = [
      {
        status: 'done',
        startMs: 0,
        narrationMs: 100,
        endMs: 500,
        box: { x: 40, y: 40, width: 60, height: 20 },
        clip: clip(0, ''),
      },
      {
        status: 'done',
        startMs: 900,
        narrationMs: 1000,
        endMs: 1400,
        box: { x: 200, y: 120, width: 60, height: 20 },
        clip: clip(0, ''),
      },
    ];
    for (const s of silentSteps) s.clip = { ...s.clip!, wav: toneWav({ ms: 800, rate: 24_000, amp: 0 }), durationMs: 800 };
    const merge = ffmpeg({ ffmpegPath: installer.path, zoom: true, audioChannels: 1, loudness: false, captions: 'both' });
    const config = await resolveConfig({ merge }, { root });
    const runDir = await writeRun(config.runsDir, {
      demo: demoWith(['goto', 'click'], ['', ''], [undefined, undefined]),
      look: { viewport: { width: 321, height: 201 }, dpr: 1 },
      durationMs: 2000,
      steps: silentSteps,
      frames: framesFor(silentSteps, 2000).slice(3), // the first frame comes 0.1 s or more after t = 0
    });
    const recordFile = path.join(runDir, 'record', 'output.json');
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as RecordOutput;
    record.recording.frames.reverse(); // listed out of order
    await writeJson(recordFile, record);
    const out = await runStage(config, 'merge', runDir);
    expect(out).toMatchObject({ width: 320, height: 200, narration: [] });
    expect(out.durationMs).toBeGreaterThanOrEqual(2000 + 200); // each silent 800 ms clip + tail overruns its step
    const probe = await probeFile(path.join(runDir, out.files[0]!.path));
    expect(probe.streams.map((s) => s.codec_type).filter((t) => t !== 'data')).toEqual(['video', 'audio']); // data: the chapter track
    expect(probe.streams[1]).toMatchObject({ codec_name: 'aac', channels: 1 });
    expect(await readFile(path.join(path.dirname(path.join(runDir, out.files[0]!.path)), 'captions.vtt'), 'utf8')).toBe(
      'WEBVTT\n\n',
    );
  });
});

describe('options', () => {
  it('are checked when the config loads', () => {
    const bad = (options: unknown) => {
      try {
        ffmpeg(options as never);
      } catch (err) {
        return err as ShowrunnerError;
      }
      throw new Error('no error');
    };
    expect(bad({ crf: 99 })).toMatchObject({ code: 'SR_CONFIG_INVALID', plugin: '@showrunner/plugin-ffmpeg', field: 'crf' });
    expect(bad({ preset: 'warp' }).message).toContain('preset: Invalid option');
    expect(bad({ nope: 1 })).toMatchObject({ field: 'nope', message: expect.stringContaining('Unrecognized key: "nope"') });
    expect(bad({ captoins: 'soft' }).hint).toBe('Did you mean "captions"?');
    expect(bad({ zoom: { scale: 9 } })).toMatchObject({ field: 'zoom.scale' });
    expect(bad({ crf: 99 })).toBeInstanceOf(ShowrunnerError);
  });
});
