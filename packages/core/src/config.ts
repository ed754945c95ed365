import path from 'node:path';
import * as z from 'zod';
import { localStore } from './builtins/local-store.js';
import { scriptParser } from './builtins/script-parser.js';
import { ShowrunnerError } from './errors.js';
import { closest } from './options.js';
import type { ConfigEnv, HookName, Plugin, SlotPlugins, UserConfigExport } from './plugin.js';
import { STAGES } from './schema/run.js';
import type { FailPolicy, StageName } from './types.js';

/** A loaded, checked config. Built by {@link resolveConfig}; read by the runner, CLI and workers. */
export interface ResolvedConfig {
  /** The config file, when there is one (named in every error). */
  readonly file?: string;
  /** Folder relative paths start from. */
  readonly root: string;
  readonly runsDir: string;
  readonly cacheDir: string;
  readonly baseUrl?: string;
  readonly onFail: FailPolicy;
  /** parse and storage always have a plugin (the offline defaults when the slot is empty). */
  readonly slots: Partial<SlotPlugins> & Pick<SlotPlugins, 'parse' | 'storage'>;
  /** Every plugin in hook order: slots parse → storage, then `plugins`. */
  readonly plugins: readonly Plugin[];
}

const HOOK_NAMES = {
  onStatusChange: 1,
  onStepStart: 1,
  onStepEnd: 1,
  onStepFailed: 1,
  onArtifact: 1,
  onProgress: 1,
} satisfies Record<HookName, 1>;

/** Which package fills an empty slot, for SR_STAGE_MISSING (parse and storage have offline defaults). */
const FILLS: Partial<Record<StageName, string>> = {
  tts: '@showrunner/plugin-espeak (offline) or @showrunner/plugin-kokoro',
  record: '@showrunner/plugin-playwright',
  merge: '@showrunner/plugin-ffmpeg',
};

const DataSchema = z.object({
  runsDir: z.string().min(1).default('.showrunner/runs'),
  cacheDir: z.string().min(1).default('.showrunner/cache'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  onFail: z.enum(['ask', 'skip', 'abort']).default('ask'),
});
const KNOWN_KEYS = new Set<string>([...STAGES, 'plugins', ...Object.keys(DataSchema.shape)]);

/**
 * Check a config export and fill the defaults. Called by the CLI after loading the file and by the
 * hosted worker at start; throws SR_CONFIG_INVALID naming the file, slot and plugin.
 */
export async function resolveConfig(
  exported: UserConfigExport,
  options: { file?: string; root?: string; env?: ConfigEnv } = {},
): Promise<ResolvedConfig> {
  const { file } = options;
  const root = options.root ?? (file ? path.dirname(file) : process.cwd());
  const fail = (message: string, where: { slot?: string; plugin?: string; hint?: string } = {}) =>
    new ShowrunnerError('SR_CONFIG_INVALID', `${file ?? 'config'}: ${message}`, { file, ...where });

  const raw = typeof exported === 'function' ? await exported(options.env ?? { command: 'run' }) : exported;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw fail(`the config must export an object (from defineConfig), got ${describe(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (KNOWN_KEYS.has(key)) continue;
    const near = closest(key, KNOWN_KEYS);
    throw fail(`unknown key "${key}"`, {
      hint: near.length ? `Did you mean "${near[0]}"?` : `Known keys: ${[...KNOWN_KEYS].join(', ')}.`,
    });
  }
  const data = DataSchema.safeParse(raw);
  if (!data.success) throw fail(z.prettifyError(data.error));

  const record = raw as Record<string, unknown>;
  const slots: Partial<SlotPlugins> = {};
  for (const stage of STAGES) {
    const value = record[stage];
    if (value === undefined || value === null) continue;
    checkPlugin(value, stage, fail);
    Object.assign(slots, { [stage]: value });
  }
  slots.parse ??= scriptParser();
  slots.storage ??= localStore();

  const extra = record.plugins ?? [];
  if (!Array.isArray(extra)) throw fail(`"plugins" must be an array, got ${describe(extra)}`, { slot: 'plugins' });
  for (const [i, value] of extra.entries()) checkPlugin(value, `plugins[${i}]`, fail);

  const { runsDir, cacheDir, baseUrl, onFail } = data.data;
  return Object.freeze({
    file,
    root,
    runsDir: path.resolve(root, runsDir),
    cacheDir: path.resolve(root, cacheDir),
    baseUrl,
    onFail,
    slots: slots as ResolvedConfig['slots'],
    plugins: [...STAGES.flatMap((s) => slots[s] ?? []), ...(extra as Plugin[])],
  });
}

/** The plugin in a stage's slot, or SR_STAGE_MISSING saying which package fills it. */
export function requireSlot<S extends StageName>(config: ResolvedConfig, stage: S): SlotPlugins[S] {
  const plugin = config.slots[stage];
  if (plugin) return plugin as SlotPlugins[S];
  throw new ShowrunnerError(
    'SR_STAGE_MISSING',
    `The "${stage}" slot${config.file ? ` in ${config.file}` : ''} is empty; this run needs it.`,
    {
      stage,
      slot: stage,
      file: config.file,
      hint: `Install ${FILLS[stage] ?? 'a plugin for it'} and add it as \`${stage}: …()\`.`,
    },
  );
}

type Fail = (message: string, where?: { slot?: string; plugin?: string; hint?: string }) => ShowrunnerError;

function checkPlugin(value: unknown, slot: string, fail: Fail): void {
  if (typeof value === 'function') {
    throw fail(`slot "${slot}" holds a function, not a plugin`, {
      slot,
      hint: `Call the plugin factory: \`${value.name || 'plugin'}()\` instead of \`${value.name || 'plugin'}\`.`,
    });
  }
  if (typeof value !== 'object' || value === null || typeof (value as Plugin).name !== 'string') {
    throw fail(`slot "${slot}" must hold a plugin object with a string "name", got ${describe(value)}`, { slot });
  }
  const plugin = value as Plugin & { run?: unknown };
  const where = { slot, plugin: plugin.name };
  const isSlot = (STAGES as readonly string[]).includes(slot);
  if (isSlot && plugin.stage !== slot) {
    const provides = plugin.stage ? `provides the "${plugin.stage}" stage` : 'provides no stage (hooks only)';
    const move = plugin.stage ? `Move it to \`${plugin.stage}:\`.` : 'Move it to `plugins: []`.';
    throw fail(`slot "${slot}" holds plugin "${plugin.name}", which ${provides}`, { ...where, hint: move });
  }
  if (!isSlot && plugin.stage !== undefined) {
    throw fail(`${slot} ("${plugin.name}") provides the "${plugin.stage}" stage; stage plugins go in their slot`, {
      ...where,
      hint: `Move it to \`${plugin.stage}:\`.`,
    });
  }
  if (isSlot && typeof plugin.run !== 'function') throw fail(`plugin "${plugin.name}" has no run() function`, where);
  if (plugin.hooks !== undefined) {
    if (typeof plugin.hooks !== 'object' || plugin.hooks === null)
      throw fail(`plugin "${plugin.name}": hooks must be an object`, where);
    for (const [name, fn] of Object.entries(plugin.hooks)) {
      if (!(name in HOOK_NAMES)) {
        const near = closest(name, Object.keys(HOOK_NAMES));
        throw fail(`plugin "${plugin.name}" has an unknown hook "${name}"`, {
          ...where,
          hint: near.length ? `Did you mean "${near[0]}"?` : `Hooks: ${Object.keys(HOOK_NAMES).join(', ')}.`,
        });
      }
      if (typeof fn !== 'function') throw fail(`plugin "${plugin.name}": hook "${name}" is not a function`, where);
    }
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
