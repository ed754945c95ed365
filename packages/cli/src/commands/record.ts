import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRun,
  DEMO_SCHEMA_URL,
  type Decider,
  type Demo,
  demoName,
  type FailPolicy,
  type PipelineOptions,
  type ResolvedConfig,
  type RunFolder,
  requireSlot,
  runPipeline,
  STAGES,
} from '@showrunner/core';
import { writeBackResolved } from '../load/demo-file.js';
import { clean } from '../ui/clean.js';
import { terminalDecide } from '../ui/decide.js';
import { createProgress } from '../ui/progress.js';
import { review } from '../ui/review.js';

/** Flags shared by `record`, `run` and `plan`. */
export interface RunFlags {
  json?: boolean;
  verbose?: boolean;
  onFail?: FailPolicy;
  from?: PipelineOptions['from'];
  yes?: boolean;
  /** CI mode: no prompts; a failed step aborts the run (exit 1) and its screenshot path is printed. */
  ci?: boolean;
  /** Overrides the config's baseUrl for relative demo URLs. */
  baseUrl?: string;
  /** `--language`: the narration language (BCP 47), over the demo file's and the config's. */
  language?: string;
  interactive: boolean;
  signal: AbortSignal;
}

/** What a finished recording reports (printed, or written as JSON with --json). */
export interface RunSummary {
  ok: true;
  runDir: string;
  url: string;
  video?: string;
  files: { role: string; path: string; url: string }[];
  durationMs?: number;
  sizeBytes?: number;
  steps: Record<string, string>;
  /** The tts plugin that spoke (the demo's own voice, if any, in brackets). */
  voice?: string;
  /** Time of each stage run by this command (tts and record overlap, so they add up to more than the total). */
  stageMs: Record<string, number>;
  /** Stages whose output came from an earlier attempt at this run folder (resume), so they took no time now. */
  reused: string[];
  /** Wall time of the command, including any review at the terminal. */
  totalMs: number;
}

const RECORD_STAGES = ['tts', 'record', 'merge'] as const;

/** `showrunner record <demo>` / `--resume <run>`: tts → record → merge → storage on a run folder. */
export async function record(
  config: ResolvedConfig,
  source: { demo: Demo; file?: string } | { runDir: string },
  flags: RunFlags,
): Promise<RunSummary> {
  for (const stage of RECORD_STAGES) requireSlot(config, stage); // fail before creating anything
  const runDir =
    'runDir' in source
      ? path.resolve(source.runDir)
      : await createRun(config.runsDir, { demo: withLanguage(source.demo, config, flags) });
  const started = Date.now();
  const run = await execute(config, runDir, flags);
  if ('demo' in source && source.file && run.demo) {
    const healed = await writeBackResolved(source.file, run.demo);
    if (healed && !flags.json) process.stderr.write(`✓ saved ${healed} resolved selector(s) in ${source.file}\n`);
  }
  return summarize(run, config, started);
}

/** `showrunner run <url> "<description>"`: plan, review the step cards, then record, in one run. */
export async function planAndRecord(
  config: ResolvedConfig,
  url: string,
  description: string,
  flags: RunFlags,
): Promise<RunSummary> {
  for (const stage of RECORD_STAGES) requireSlot(config, stage);
  const runDir = await createRun(config.runsDir, { request: requestOf(url, description, config, flags) });
  const reviewing = !flags.yes && flags.interactive && !flags.json;
  const started = Date.now();
  // Without a terminal to review at, the plan is approved as planned (as --yes), as the CLI always did.
  const approval = reviewing ? { review } : { autoApprove: true };
  return summarize(await execute(config, runDir, flags, approval), config, started);
}

/** `showrunner plan <url> "<description>"`: the parse stage only, written as a demo file. */
export async function plan(config: ResolvedConfig, url: string, description: string, out: string | undefined, flags: RunFlags) {
  const runDir = await createRun(config.runsDir, { request: requestOf(url, description, config, flags) });
  const run = await execute(config, runDir, flags, {}, 'parse');
  const demo = run.outputs.parse!.demo;
  const file = path.resolve(out ?? `${demoName(demo)}.demo.json`);
  await writeFile(file, `${JSON.stringify({ $schema: DEMO_SCHEMA_URL, ...demo }, null, 2)}\n`);
  return { file, demo, runDir };
}

/** What to plan, in the narration language: `--language`, else the config's (undefined: `en`). */
export function requestOf(url: string, description: string, config: ResolvedConfig, flags: Pick<RunFlags, 'language'>) {
  const language = flags.language ?? config.language;
  return { url, description, ...(language && { language }) };
}

/** The demo to record in its narration language: `--language`, else the demo file's, else the config's. */
export function withLanguage(demo: Demo, config: ResolvedConfig, flags: Pick<RunFlags, 'language'>): Demo {
  const language = flags.language ?? demo.language ?? config.language;
  return language ? { ...demo, language } : demo;
}

async function execute(
  config: ResolvedConfig,
  runDir: string,
  flags: RunFlags,
  approval: Pick<PipelineOptions, 'review' | 'autoApprove'> = { autoApprove: true },
  until?: PipelineOptions['until'],
): Promise<RunFolder> {
  const ui = createProgress({ verbose: flags.verbose, quiet: flags.json });
  const policy = flags.ci ? 'abort' : (flags.onFail ?? config.onFail);
  const run: ResolvedConfig = { ...config, baseUrl: flags.baseUrl ?? config.baseUrl, onFail: policy };
  let decide: Decider | undefined;
  if (flags.ci) decide = ciDecide(runDir, flags.json);
  else if (policy === 'ask' && flags.interactive && !flags.json) decide = terminalDecide(run, runDir, ui.pause);
  return runPipeline(run, runDir, {
    signal: flags.signal,
    log: ui.log,
    plugins: [ui.plugin],
    from: flags.from,
    until,
    decide,
    ...approval,
  });
}

/** --ci: never ask; abort at the first failed step after saying which one and where its screenshot is. */
function ciDecide(runDir: string, quiet?: boolean): Decider {
  return async (failure): Promise<'abort'> => {
    if (!quiet) {
      const shot = failure.screenshot ? `\n  screenshot: ${path.join(runDir, failure.screenshot)}` : '';
      process.stderr.write(
        `${clean(`✖ step ${failure.index + 1} (${failure.step.id}) failed: ${failure.error.message}${shot}`)}\n`,
      );
    }
    return 'abort';
  };
}

/** What a finished run reports, from its state and outputs (a local run, or one followed on the queue). */
export async function summarize(run: RunFolder, config: ResolvedConfig, started: number): Promise<RunSummary> {
  const merge = run.outputs.merge;
  const storage = run.outputs.storage;
  const videoUrl = storage?.url ?? '';
  const video = videoUrl.startsWith('file:') ? fileURLToPath(videoUrl) : undefined;
  const stageMs: Record<string, number> = {};
  const reused: string[] = [];
  for (const stage of STAGES) {
    const s = run.state.stages[stage]; // pipeline order: tts and record overlap, so run.json's key order varies
    if (!s) continue;
    // A stage that started before this command did was reused from an earlier attempt (resume).
    if (Date.parse(s.startedAt) < started) reused.push(stage);
    else stageMs[stage] = s.durationMs ?? 0;
  }
  return {
    ok: true,
    runDir: run.dir,
    url: videoUrl,
    video,
    files: storage?.files ?? [],
    durationMs: merge?.durationMs,
    // The file may be on the machine of the worker that stored it (a queued run): then the merge's figure.
    sizeBytes:
      (video
        ? await stat(video).then(
            (s) => s.size,
            () => undefined,
          )
        : undefined) ?? merge?.sizeBytes,
    steps: run.state.steps,
    voice: config.slots.tts && `${config.slots.tts.name}${run.demo?.voice ? ` (${run.demo.voice})` : ''}`,
    stageMs,
    reused,
    totalMs: Date.now() - started,
  };
}

/** The summary as a person reads it. */
export function formatSummary(s: RunSummary, cwd: string): string {
  const steps = Object.values(s.steps);
  const skipped = steps.filter((x) => x === 'skipped').length;
  const mb = s.sizeBytes === undefined ? '?' : (s.sizeBytes / 1e6).toFixed(1);
  const secs = (ms?: number) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)}s`);
  const times = Object.entries(s.stageMs).map(([stage, ms]) => `${stage} ${secs(ms)}`);
  const lines = [
    `✔ ${s.video ? path.relative(cwd, s.video) || s.video : s.url}`,
    `  ${secs(s.durationMs)} of video · ${mb} MB · ${steps.filter((x) => x === 'done').length} steps${skipped ? ` (${skipped} skipped)` : ''}`,
    `  time: ${[...times, `total ${secs(s.totalMs)}`].join(' · ')}${s.reused.length ? ` (reused: ${s.reused.join(', ')})` : ''}`,
    ...(s.voice ? [`  voice: ${s.voice}`] : []),
    ...s.files
      .filter((f) => f.role !== 'video')
      .map((f) => `  ${f.role}: ${f.url.startsWith('file:') ? path.relative(cwd, fileURLToPath(f.url)) : f.url}`),
    `  run folder: ${path.relative(cwd, s.runDir)}`,
  ];
  return clean(lines.join('\n')); // storage URLs and titles may come from a plugin or a page
}
