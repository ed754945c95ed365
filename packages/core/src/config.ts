import path from 'node:path';
import * as z from 'zod';
import { localStore } from './builtins/local-store.js';
import { scriptParser } from './builtins/script-parser.js';
import { ShowrunnerError } from './errors.js';
import { closest } from './options.js';
import type { ConfigEnv, HookName, Plugin, SlotPlugins, UserConfigExport } from './plugin.js';
import { createNetworkGuard } from './policy/network.js';
import type { PolicyOptions } from './policy/policy.js';
import type { SecretResolver } from './policy/secrets.js';
import type { RunFiles } from './run/files.js';
import { LanguageSchema } from './schema/demo.js';
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
  /**
   * Narration language (BCP 47) for demos and requests that name none; undefined means `en`. A demo's own
   * `language` and the CLI's `--language` win over it. Core copies it into the request and the demo that stages read.
   */
  readonly language?: string;
  /**
   * Encode while recording: the merge plugin's `live` runs beside the record stage, so the video is ready
   * seconds after the last step. Queue workers honour it too: the record worker then also runs the merge.
   * Default true; false keeps the stages strictly one after the other.
   */
  readonly encodeWhileRecording: boolean;
  /** The config's guard settings (`trust`, `network`, `navigation`, `popups`, `secrets`, `decisionTimeoutMs`). */
  readonly policy: PolicyOptions;
  /** How queue workers on other machines share run files; undefined: the runs folder is shared. */
  readonly files?: RunFiles;
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
  language: LanguageSchema.optional(),
  encodeWhileRecording: z.boolean().default(true),
  trust: z.enum(['trusted', 'untrusted']).default('trusted'),
  network: z.strictObject({ allow: z.array(z.string().min(1)).optional() }).optional(),
  navigation: z
    .union([z.enum(['allow', 'same-site']), z.array(z.url({ protocol: /^https?$/ })).transform((origins) => ({ origins }))])
    .optional(),
  popups: z.enum(['close', 'follow']).optional(),
  secrets: z
    .union([
      z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')),
      z.custom<SecretResolver>((v) => typeof v === 'function', 'a resolver function'),
    ])
    .optional(),
  decisionTimeoutMs: z.number().int().positive().optional(),
  files: z
    .custom<RunFiles>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as RunFiles).pull === 'function' &&
        typeof (v as RunFiles).push === 'function',
      'RunFiles with pull() and push() (e.g. supabaseFiles() or dirFiles())',
    )
    .optional(),
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

  const {
    runsDir,
    cacheDir,
    baseUrl,
    onFail,
    language,
    encodeWhileRecording,
    trust,
    network,
    navigation,
    popups,
    secrets,
    decisionTimeoutMs,
    files,
  } = data.data;
  if (network?.allow) createNetworkGuard({ allow: network.allow }); // throws SR_CONFIG_INVALID for a bad entry
  return Object.freeze({
    file,
    root,
    runsDir: path.resolve(root, runsDir),
    cacheDir: path.resolve(root, cacheDir),
    baseUrl,
    onFail,
    language,
    encodeWhileRecording,
    policy: { trust, network, navigation, popups, secrets, decisionTimeoutMs },
    files,
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
      const handler = typeof fn === 'object' && fn !== null ? (fn as { handler?: unknown }).handler : fn;
      if (typeof handler !== 'function')
        throw fail(`plugin "${plugin.name}": hook "${name}" is not a function (or { handler, critical })`, where);
    }
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
