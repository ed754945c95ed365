import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isShowrunnerError, LanguageSchema, ShowrunnerError } from '@showrunner/core';
import { Command, CommanderError, Option } from 'commander';
import { init } from './commands/init.js';
import { runQueued } from './commands/queued.js';
import { formatSummary, plan, planAndRecord, type RunFlags, record, requestOf, withLanguage } from './commands/record.js';
import { validate } from './commands/validate.js';
import { type WorkerFlags, worker } from './commands/worker.js';
import { loadConfig } from './load/config-file.js';
import { loadDemo } from './load/demo-file.js';
import { exitCodeOf, formatError, usageError } from './ui/errors.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const STAGES = ['parse', 'tts', 'record', 'merge', 'storage'];

interface Global {
  config?: string;
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
}

/** `--language <tag>`: a BCP 47 tag, else SR_USAGE naming the flag (exit 2) before anything runs. */
function checkLanguage(value: string): string {
  if (LanguageSchema.safeParse(value).success) return value;
  throw languageError(`"${value.slice(0, 40)}" is not a BCP 47 language tag`);
}

const languageError = (why: string) =>
  new ShowrunnerError('SR_USAGE', `--language: ${why}.`, {
    field: '--language',
    hint: 'Give a language tag such as en, zh, zh-Hans, es or pt-BR.',
  });

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: string[],
  io = { cwd: process.cwd(), interactive: Boolean(process.stdin.isTTY) },
): Promise<number> {
  const abort = new AbortController();
  const onSigint = () => (abort.signal.aborted ? process.exit(130) : abort.abort());
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint); // a service manager stopping us: end the run (or the worker) as Ctrl-C does
  let global: Global = {};
  const out = (text: string) => void process.stdout.write(`${text}\n`);
  const flags = (o: Partial<RunFlags>): RunFlags => ({
    ...o,
    json: global.json,
    verbose: global.verbose,
    interactive: io.interactive,
    signal: abort.signal,
  });
  const config = (command: string) => loadConfig({ cwd: io.cwd, file: global.config, env: { command } });
  const report = (summary: Parameters<typeof formatSummary>[0]) =>
    out(global.json ? JSON.stringify(summary) : formatSummary(summary, io.cwd));

  const program = new Command('showrunner')
    .description('Narrated product-demo videos: plan browser steps, record them, narrate, encode.')
    .version(version)
    .option('-c, --config <file>', 'config file (default: showrunner.config.* found upward)')
    .option('--json', 'print one JSON result on stdout; no prompts or spinners')
    .option('--verbose', 'show plugin log lines')
    .option('--debug', 'show error causes and stacks')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .hook('preAction', (cmd) => {
      global = cmd.opts<Global>();
    });

  const failOption = () =>
    new Option('--on-fail <policy>', 'when a step fails: ask, skip or abort').choices(['ask', 'skip', 'abort']);
  const ciOption = () => new Option('--ci', 'no prompts; a failed step fails the run and its screenshot is kept');
  const baseOption = () => new Option('--base-url <url>', 'base for relative demo URLs');
  const fromOption = () => new Option('--from <stage>', 're-run from this stage').choices(STAGES);
  const queueOption = () => new Option('--queue <redis-url>', 'submit to workers on a BullMQ queue and follow the run here');
  const prefixOption = () =>
    new Option('--prefix <prefix>', 'key prefix of the queue (as its workers use)').default('showrunner');
  const languageOption = () =>
    new Option(
      '--language <tag>',
      "narration language, BCP 47 (e.g. zh, es, pt-BR); default: the demo's, the config's, en",
    ).argParser(checkLanguage);

  program
    .command('init')
    .description('write showrunner.config.ts and an example demo')
    .option('--force', 'overwrite existing files')
    .action(async (o: { force?: boolean }) => {
      for (const file of await init(io.cwd, o)) out(`✓ wrote ${file}`);
    });

  program
    .command('validate [demos...]')
    .description('check the config and demo files (default: every *.demo.* file here)')
    .action(async (files: string[]) => {
      const errors = await validate(await config('validate'), files, io.cwd, out);
      for (const err of errors) process.stderr.write(`${formatError(err, global.debug)}\n`);
      if (errors.length) {
        // Each error is printed above; end with one line that carries the first one's code (and exit code).
        const first = errors[0];
        const code = isShowrunnerError(first) ? first.code : 'SR_DEMO_INVALID';
        throw new ShowrunnerError(code, `${errors.length} file${errors.length === 1 ? '' : 's'} failed validation.`);
      }
    });

  program
    .command('plan <url> <description>')
    .description('plan steps for a URL from a description (parse stage) and write a demo file')
    .option('-o, --out <file>', 'demo file to write (default: <title>.demo.json)')
    .addOption(languageOption())
    .action(async (url: string, description: string, o: { out?: string; language?: string }) => {
      const result = await plan(await config('plan'), url, description, o.out, flags({ language: o.language }));
      out(global.json ? JSON.stringify({ ok: true, ...result }) : `✓ ${result.demo.steps.length} steps → ${result.file}`);
    });

  program
    .command('record [demo]')
    .description('record a demo file: narrate, record, encode, store')
    .option('--resume <runDir>', 'continue an earlier run folder instead of starting one')
    .addOption(fromOption())
    .addOption(failOption())
    .addOption(ciOption())
    .addOption(baseOption())
    .addOption(languageOption())
    .addOption(queueOption())
    .addOption(prefixOption())
    .action(async (file: string | undefined, o: Partial<RunFlags> & { resume?: string; queue?: string; prefix?: string }) => {
      if (!file && !o.resume) throw usageError('record needs a demo file or --resume <runDir>');
      if (o.resume && o.language) throw languageError('a resumed run keeps the language it was started with');
      const cfg = await config('record');
      if (o.queue) {
        if (o.resume) throw usageError('--resume works on a local run folder; a queued run resumes with its workers');
        const demo = withLanguage(await loadDemo(path.resolve(io.cwd, file!), { trust: cfg.policy.trust }), cfg, o);
        return report(await runQueued(cfg, { demo }, { ...flags(o), queue: o.queue, prefix: o.prefix }));
      }
      const source = o.resume
        ? { runDir: o.resume }
        : { demo: await loadDemo(file!, { trust: cfg.policy.trust }), file: path.resolve(io.cwd, file!) };
      report(await record(cfg, source, flags(o)));
    });

  program
    .command('run <url> <description>')
    .description('plan, review the step cards, then record')
    .option('-y, --yes', 'skip the review')
    .addOption(failOption())
    .addOption(ciOption())
    .addOption(languageOption())
    .addOption(queueOption())
    .addOption(prefixOption())
    .action(async (url: string, description: string, o: Partial<RunFlags> & { queue?: string; prefix?: string }) => {
      const cfg = await config('run');
      if (o.queue) {
        const request = requestOf(url, description, cfg, o);
        return report(await runQueued(cfg, { request }, { ...flags(o), queue: o.queue, prefix: o.prefix }));
      }
      report(await planAndRecord(cfg, url, description, flags(o)));
    });

  program
    .command('worker')
    .description('work on queued runs (BullMQ over Redis) with this config until stopped')
    .option('--stages <list>', 'stages to work on, e.g. record,merge (default: all)')
    .option('--concurrency <n>', 'jobs at once per stage (default: measured per stage)')
    .option('--queue <redis-url>', 'Redis of the queue (default: SHOWRUNNER_REDIS_URL or redis://127.0.0.1:6379)')
    .option('--prefix <prefix>', 'key prefix shared by submitters and workers', 'showrunner')
    .option('--grace <seconds>', 'on stop, let jobs in hand finish this long before handing them back', '60')
    .action(async (o: WorkerFlags) => {
      await worker(await config('worker'), { ...o, verbose: global.verbose }, abort.signal, (line) =>
        process.stderr.write(`${line}\n`),
      );
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError && thrown.exitCode === 0) return 0; // --help, --version
    const err = thrown instanceof CommanderError ? usageError(thrown.message) : thrown;
    if (global.json) out(JSON.stringify({ ok: false, error: (err as { toJSON?: () => unknown }).toJSON?.() ?? String(err) }));
    process.stderr.write(`${formatError(err, global.debug ?? argv.includes('--debug'))}\n`);
    return exitCodeOf(err);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
