// Issue 14 end to end: `showrunner run <examples app> "<description>" --language <tag> --yes` through the
// built CLI. Chinese with the offline script parser; Spanish and Arabic planned by the language-model
// plugin against the local OpenAI-compatible test server. Each video must speak the language (eSpeak NG's
// voice for it: the clips equal a direct synthesis with that voice), show it in burned-in captions (pixels
// against the blank caption area), tag its tracks, and be stored under a readable name.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPolicy, demoName, type TtsOutput } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer } from '../examples/server.mjs';
import { completion, modelServer } from '../packages/plugin-openrouter/test/model-server.js';
import { meanVolume, ROOT, run, tempDir } from './helpers.js';

const exec = promisify(execFile);
const BIN = path.join(ROOT, 'packages/cli/dist/bin.js');
const W = 640;
const H = 360;

const config = (parse = '') => `
import { defineConfig } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import openrouter from '@showrunner/plugin-openrouter';
import playwright from '@showrunner/plugin-playwright';
export default defineConfig({
  ${parse}
  tts: espeak(),
  record: playwright({ stepTimeoutMs: 5000, retries: 0 }),
  merge: ffmpeg({ captions: 'both' }),
});
`;

const ZH = `标题：登录演示
打开 / —— 我们从登录页面开始。
在 “Email” 中输入 “ada@example.com” —— 先输入你的工作邮箱。
在 “Password” 中输入 “orbit-demo-password” —— 然后输入密码，它在视频里会被模糊处理。
点击 “Sign in” —— 点击登录按钮，进入项目列表。`;

/** A step as the model answers it (every target field present, unused ones null). */
const step = (action: string, target: Record<string, string> | null, value: string | null, narration: string) => ({
  action,
  target: target && { role: null, name: null, label: null, placeholder: null, text: null, css: null, ...target },
  value,
  narration,
});
/** What the model plans per language: narration in it, targets as the English page names them. */
const PLANS: Record<string, unknown> = {
  es: {
    title: 'Iniciar sesión en Orbit',
    steps: [
      step('fill', { label: 'Email' }, 'ada@example.com', 'Primero escribe tu correo electrónico del trabajo.'),
      step('fill', { label: 'Password' }, 'orbit-demo-password', 'Luego tu contraseña, que queda borrosa en el vídeo.'),
      step('click', { role: 'button', name: 'Sign in' }, null, 'Pulsa el botón para entrar y ver tus proyectos.'),
    ],
  },
  ar: {
    title: 'تسجيل الدخول إلى أوربت',
    steps: [
      step('fill', { label: 'Email' }, 'ada@example.com', 'أولا اكتب بريدك الإلكتروني الخاص بالعمل.'),
      step('fill', { label: 'Password' }, 'orbit-demo-password', 'ثم كلمة المرور، وهي تظهر مموهة في الفيديو.'),
      step('click', { role: 'button', name: 'Sign in' }, null, 'اضغط على زر الدخول لترى مشاريعك.'),
    ],
  },
};

let app: { url: string; close(): Promise<void> };
let model: Awaited<ReturnType<typeof modelServer>>;
let dir: string;
const voices: ReturnType<typeof espeak>[] = [];

beforeAll(async () => {
  app = await startExampleServer();
  model = await modelServer((request) => {
    const prompt = request.body.messages.map((m) => m.content).join('\n');
    const language = Object.keys(PLANS).find((tag) => prompt.includes(`(${tag})`));
    return completion(language ? PLANS[language] : { title: 'x', steps: [] });
  });
  dir = await tempDir('sr-e2e-language-');
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(path.join(dir, 'script.config.ts'), config());
  await writeFile(
    path.join(dir, 'planner.config.ts'),
    config(`parse: openrouter({ baseURL: '${model.baseURL}', apiKey: 'test-key', model: 'primary', snapshot: false }),`),
  );
});
afterAll(async () => {
  await Promise.all([app?.close(), model?.close(), ...voices.map((v) => v.close?.())]);
});

interface Summary {
  ok: boolean;
  runDir: string;
  video: string;
  steps: Record<string, string>;
}

/** `showrunner --json run <app> <description> --language <tag> --yes` with `configFile`; the JSON summary. */
async function showrunner(configFile: string, description: string, language: string): Promise<Summary> {
  const args = [BIN, '--json', '--config', configFile, 'run', app.url, description, '--language', language, '--yes'];
  const { code, stdout, stderr } = await run(process.execPath, args, dir);
  expect(stderr, stderr).toBe('');
  expect(code, stdout).toBe(0);
  return JSON.parse(stdout);
}

/** One frame at `seconds`, scaled to W×H, as rgb24. */
async function frameAt(video: string, seconds: number): Promise<Buffer> {
  const { stdout } = await exec(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      seconds.toFixed(3),
      '-i',
      video,
      '-frames:v',
      '1',
      '-vf',
      `scale=${W}:${H}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: W * H * 4 },
  );
  return stdout;
}

/** Pixels of the caption band (bottom 14 %) whose colour differs by more than 60 between two frames. */
function bandChanged(a: Buffer, b: Buffer): number {
  let n = 0;
  for (let i = Math.round(H * 0.86) * W * 3; i < W * H * 3; i += 3) {
    if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 60) n++;
  }
  return n;
}

/** Cue times (s) of a WebVTT file. */
const cueTimes = (vtt: string) =>
  [...vtt.matchAll(/(\d+):(\d+):(\d+\.\d+) --> (\d+):(\d+):(\d+\.\d+)/g)].map((m) => ({
    start: Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
    end: Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]),
  }));

/**
 * Everything a video in `language` must show: the demo carries it; every clip is the language's voice
 * (as long as a direct synthesis of the line with `voice`, and unlike the default English voice);
 * speech is audible; tracks are tagged `iso`; the burned captions differ from the blank caption band
 * between two cues and from each other; the stored folder is the readable slug of the title.
 */
async function expectVideoIn(
  summary: Summary,
  o: { language: string; voice: string; iso: string; letters: RegExp; slug: RegExp },
) {
  const demo = JSON.parse(await readFile(path.join(summary.runDir, 'demo.json'), 'utf8'));
  expect(demo.language).toBe(o.language);
  expect(demo.title).toMatch(o.letters);
  expect(path.basename(path.dirname(summary.video))).toBe(demoName(demo));
  // Readable: the title's own letters (accents folded in Latin scripts), never the bare fallback.
  expect(path.basename(path.dirname(summary.video))).toMatch(o.slug);

  const tts: TtsOutput = JSON.parse(await readFile(path.join(summary.runDir, 'tts', 'output.json'), 'utf8'));
  const narrated = tts.clips.filter((c) => c.text);
  expect(narrated.length).toBeGreaterThanOrEqual(3);
  const native = espeak({ voice: o.voice });
  const english = espeak();
  voices.push(native, english);
  for (const [i, clip] of narrated.entries()) {
    expect(clip.text).toMatch(o.letters);
    // Every written word was spoken and timed (an English voice leaves Han and Arabic letters out).
    expect((clip.words ?? []).map((w) => w.text).join(''), clip.text).toBe(clip.text.replace(/\s+/g, ''));
    const file = (name: string) => path.join(dir, `${o.language}-${i}-${name}.wav`);
    const direct = await native.run({ text: clip.text, file: file(o.voice) }, stageContext());
    const inEnglish = await english.run({ text: clip.text, file: file('en') }, stageContext());
    expect(Math.abs(clip.durationMs - direct.durationMs), `clip ${i} vs ${o.voice}`).toBeLessThan(direct.durationMs * 0.02);
    expect(Math.abs(clip.durationMs - inEnglish.durationMs), `clip ${i} vs en-us`).toBeGreaterThan(direct.durationMs * 0.05);
  }
  expect(await meanVolume(summary.video)).toBeGreaterThan(-45); // silence is about -91 dB

  const { stdout } = await exec('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type:stream_tags=language',
    '-of',
    'json',
    summary.video,
  ]);
  const streams: { codec_type: string; tags?: { language?: string } }[] = JSON.parse(stdout).streams;
  for (const type of ['audio', 'subtitle']) expect(streams.find((s) => s.codec_type === type)?.tags?.language).toBe(o.iso);

  const vtt = await readFile(path.join(path.dirname(summary.video), 'captions.vtt'), 'utf8');
  expect(vtt.startsWith(`WEBVTT\nLanguage: ${o.language}\n`)).toBe(true);
  const cues = cueTimes(vtt);
  const gap = cues.findIndex((c, i) => cues[i + 1] && cues[i + 1]!.start - c.end > 0.2);
  expect(gap).toBeGreaterThanOrEqual(0);
  const [first, blank, second] = await Promise.all([
    frameAt(summary.video, (cues[gap]!.start + cues[gap]!.end) / 2),
    frameAt(summary.video, (cues[gap]!.end + cues[gap + 1]!.start) / 2),
    frameAt(summary.video, (cues[gap + 1]!.start + cues[gap + 1]!.end) / 2),
  ]);
  expect(bandChanged(first, blank), 'a caption over the blank band').toBeGreaterThan(300);
  expect(bandChanged(second, blank), 'the next caption over the blank band').toBeGreaterThan(300);
  expect(bandChanged(first, second), 'two different lines (missing glyphs would be alike)').toBeGreaterThan(200);
}

/** The context a tts plugin gets from core, enough for one direct clip outside a run. */
function stageContext() {
  const nothing = () => {};
  return {
    runId: 'direct',
    stage: 'tts' as const,
    runDir: dir,
    dir,
    root: dir,
    cacheDir: path.join(dir, 'direct-cache'),
    signal: new AbortController().signal,
    policy: createPolicy(),
    log: { debug: nothing, info: nothing, warn: nothing },
    emit: async () => {},
    resolve: (p: string) => path.resolve(dir, p),
    artifact: async (file: string) => path.relative(dir, file),
  };
}

describe('narration in the viewer’s language, through the CLI', () => {
  it('Chinese from the offline script parser: Mandarin speech, Chinese captions, stored as 登录演示', async () => {
    const summary = await showrunner('script.config.ts', ZH, 'zh');
    expect(Object.values(summary.steps)).toEqual(['done', 'done', 'done', 'done']);
    expect(path.basename(path.dirname(summary.video))).toBe('登录演示');
    await expectVideoIn(summary, { language: 'zh', voice: 'cmn', iso: 'zho', letters: /\p{Script=Han}/u, slug: /^登录演示$/ });
  });

  it('Spanish planned by the model: Spanish speech and captions', async () => {
    const summary = await showrunner('planner.config.ts', 'Muestra cómo se inicia sesión en Orbit.', 'es');
    expect(model.requests.some((r) => r.body.messages.some((m) => m.content.includes('Spanish (es)')))).toBe(true);
    await expectVideoIn(summary, {
      language: 'es',
      voice: 'es',
      iso: 'spa',
      letters: /[áéíóúñ]/,
      slug: /^iniciar-sesion-en-orbit$/,
    });
  });

  it('Arabic planned by the model: Arabic speech, right-to-left captions', async () => {
    const summary = await showrunner('planner.config.ts', 'اشرح كيف يسجل المستخدم الدخول.', 'ar');
    await expectVideoIn(summary, {
      language: 'ar',
      voice: 'ar',
      iso: 'ara',
      letters: /\p{Script=Arabic}/u,
      slug: /^\p{Script=Arabic}+(-\p{Script=Arabic}+)+$/u,
    });
  });
});
