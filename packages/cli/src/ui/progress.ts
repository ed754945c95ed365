import type { Writable } from 'node:stream';
import { log, spinner } from '@clack/prompts';
import { definePlugin, type HookPlugin, type LogEntry, type StageName } from '@showrunner/core';
import { clean } from './clean.js';

/** Terminal feedback for a run: a spinner per stage with progress, as a hook-only plugin. */
export interface ProgressUi {
  plugin: HookPlugin;
  log: (entry: LogEntry) => void;
  /** Stop the spinner for a prompt; it restarts on the next status change. */
  pause(): void;
  /** Wall time of each stage in ms, for the summary. */
  times: Partial<Record<StageName, number>>;
}

/**
 * Progress for one run (created by `record`/`run`/`plan`, used serially by core's hook queue).
 * Step titles, progress messages and plugin log lines can quote a page, a model or a demo, so
 * they are cleaned of terminal control before they are printed. `output` defaults to stderr.
 */
export function createProgress(options: {
  verbose?: boolean;
  quiet?: boolean;
  output?: Writable & { isTTY?: boolean };
}): ProgressUi {
  const output = options.output ?? process.stderr;
  const out = options.quiet ? undefined : output.isTTY ? spinner({ output, indicator: 'timer' }) : plainLines(output);
  const times: ProgressUi['times'] = {};
  const started = new Map<StageName, number>();
  let active: StageName | undefined;
  const say = (message: string) => out?.message(clean(message));

  const plugin = definePlugin({
    name: 'showrunner:cli-progress',
    hooks: {
      onStatusChange({ stage, status, error }) {
        if (!stage) {
          if (status === 'running' && active) out?.start(label(active));
          return;
        }
        if (status === 'running') {
          started.set(stage, Date.now());
          active = stage;
          out?.start(label(stage));
        } else if (status === 'reused') {
          if (!options.quiet) log.step(`${stage} reused from the earlier attempt`, { output });
        } else {
          times[stage] = (times[stage] ?? 0) + Date.now() - (started.get(stage) ?? Date.now());
          const secs = ((times[stage] ?? 0) / 1000).toFixed(1);
          if (status === 'done') out?.stop(`${stage} done in ${secs}s`);
          else out?.error(clean(`${stage} failed after ${secs}s${error ? `: ${error.code}` : ''}`));
          active = undefined;
        }
      },
      onProgress({ stage, done, total, message }) {
        say(`${label(stage)} ${done}/${total}${message ? ` · ${message}` : ''}`);
      },
      onStepStart({ step, index }) {
        say(`${label('record')} step ${index + 1} · ${step.action}${step.title ? ` ${step.title}` : ''}`);
      },
    },
  });

  return {
    plugin,
    times,
    pause: () => out?.clear(),
    log(entry) {
      if (options.quiet || (entry.level !== 'warn' && !options.verbose)) return;
      const text = clean(`[${entry.plugin}] ${entry.message}`);
      if (entry.level === 'warn') log.warn(text, { output });
      else log.info(text, { output });
    },
  };
}

/** For logs and pipes: one line per stage start and end, no cursor codes. */
function plainLines(output: Writable): Pick<ReturnType<typeof spinner>, 'start' | 'stop' | 'error' | 'message' | 'clear'> {
  const line = (text?: string) => text && output.write(`${text}\n`);
  return {
    start: (m) => line(`… ${m}`),
    stop: (m) => line(`✓ ${m}`),
    error: (m) => line(`✖ ${m}`),
    message: () => {},
    clear: () => {},
  };
}

const LABELS: Record<StageName, string> = {
  parse: 'Planning steps',
  tts: 'Synthesizing narration',
  record: 'Recording',
  merge: 'Encoding video',
  storage: 'Storing files',
};
const label = (stage: StageName) => LABELS[stage];
