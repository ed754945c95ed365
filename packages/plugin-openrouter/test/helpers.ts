// Shared set-up: a real run folder and config, driven through core's own runStage / planStep.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createRun,
  type Demo,
  type LogEntry,
  type ParseInput,
  type ParsePlugin,
  type PlanStepInput,
  planStep,
  resolveConfig,
  runStage,
} from '@showrunner/core';

export const tempDir = (prefix = 'sr-openrouter-') => mkdtemp(path.join(tmpdir(), prefix));

/**
 * A run folder holding `request`, with `plugin` in the parse slot; logs are collected. `config`
 * adds config keys such as `trust: 'untrusted'` and `network.allow`.
 */
export async function planRun(
  plugin: ParsePlugin,
  request: ParseInput,
  options: { signal?: AbortSignal; config?: Record<string, unknown> } = {},
) {
  const root = await tempDir();
  const config = await resolveConfig({ ...options.config, parse: plugin }, { root });
  const runDir = await createRun(config.runsDir, { request });
  const logs: LogEntry[] = [];
  const log = (entry: LogEntry) => logs.push(entry);
  return {
    runDir,
    logs,
    /** Run the parse stage the way the CLI and worker do. */
    run: () => runStage(config, 'parse', runDir, { log, signal: options.signal }),
    /** Single-step mode, the way the CLI's failure prompt calls it. */
    planStep: (input: PlanStepInput) => planStep(config, runDir, input, { log }),
    /** Log lines as text, for `toMatch`. */
    text: () => logs.map((l) => `${l.level} ${l.message}`).join('\n'),
  };
}

type Target = Partial<Record<'role' | 'name' | 'label' | 'placeholder' | 'text' | 'css', string>>;

/** A step as the model answers it (every field present, unused ones null). */
export function modelStep(action: string, target: Target | null, value: string | null, narration: string) {
  const full = target && { role: null, name: null, label: null, placeholder: null, text: null, css: null, ...target };
  return { action, target: full, value, narration };
}

/** A plan a good model would return for the fixture page. */
export const GOOD_PLAN = {
  title: 'Create your first project',
  steps: [
    modelStep('click', { role: 'button', name: 'New project' }, null, 'You start by opening a new project.'),
    modelStep('fill', { label: 'Project name' }, 'Launch plan', 'Give it a name your team will recognise.'),
    modelStep('press', null, 'Enter', 'Press Enter, and your project is ready.'),
    modelStep('goto', null, '/pricing', 'Finally, you check which plan suits your team.'),
  ],
};

/** A demo being recorded, for single-step mode. */
export const DEMO: Demo = {
  url: 'http://127.0.0.1:9/app',
  title: 'Invite a teammate',
  steps: [
    { id: 's1', action: 'click', target: { role: 'button', name: 'Team' }, narration: 'You open your team.' },
    { id: 's2', action: 'click', target: { role: 'button', name: 'Invite' }, narration: 'Then you invite someone.' },
    { id: 's3', action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', narration: 'Type their email.' },
  ],
};

/** Every block fenced with `<<<LABEL tag>>> ... <<<END LABEL tag>>>` in `text`, and the text outside them. */
export function splitFences(text: string): { inside: string[]; outside: string } {
  const inside: string[] = [];
  const outside = text.replace(/<<<(PAGE|DEMO) ([0-9a-f]+)>>>([\s\S]*?)<<<END \1 \2>>>/g, (_m, _label, _tag, body: string) => {
    inside.push(body);
    return '';
  });
  return { inside, outside };
}
