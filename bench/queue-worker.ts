// A worker process for bench/queue-bench.ts: startWorkers with core's test plugins (a recorder without a
// browser, a humming voice, a merge that writes a list), so a hand-off between stages measures the queue
// and nothing else. Prints the same job lines as `showrunner worker`; SIGTERM stops it.
// Usage: node --import tsx bench/queue-worker.ts <redis-url> <prefix> <root> <stage,stage…>
import { resolveConfig, type StageName } from '@showrunner/core';
import { RunQueue, startWorkers } from '@showrunner/queue';
import { humTts, listMerge, paperRecorder } from '../packages/core/test/plugins.js';

const [redis, prefix, root, stages] = process.argv.slice(2);
if (!redis || !prefix || !root || !stages) throw new Error('usage: queue-worker.ts <redis-url> <prefix> <root> <stages>');
const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
const queue = RunQueue.connect({ redis, prefix, runsDir: config.runsDir });
const workers = await startWorkers(queue, config, { stages: stages.split(',') as StageName[], log: () => {} });
for (const w of workers.workers) {
  w.on('active', (job) => process.stderr.write(`… ${job.data.runId} ${w.name}\n`));
  w.on('completed', (job) => process.stderr.write(`✓ ${job.data.runId} ${w.name}\n`));
  w.on('failed', (job, err) => job && process.stderr.write(`✖ ${job.data.runId} ${w.name}: ${err.message}\n`));
}
process.stderr.write(`worker ready: ${stages}\n`);
process.once('SIGTERM', async () => {
  await workers.close();
  await queue.close();
  process.exit(0);
});
