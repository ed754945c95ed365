// `npm run demo`: start the bundled example app on a free localhost port and record its demo
// (examples/tour.demo.json) with the repository's showrunner.config.ts, through the real CLI.
import { findChromium } from '@showrunner/plugin-playwright';
import { startExampleServer } from '../examples/server.mjs';
import { main } from '../packages/cli/dist/index.js';

const { path: browser } = await findChromium();
if (!browser) {
  const apt = process.platform === 'linux' && (await import('node:fs')).existsSync('/usr/bin/apt-get');
  const root = process.getuid?.() === 0;
  const command = apt ? `${root ? '' : 'sudo '}apt-get install -y chromium` : 'npx playwright install chromium';
  console.error(
    `No Chromium found. Install one with:\n\n  ${command}\n\nor set SHOWRUNNER_CHROMIUM to a Chrome/Chromium binary.`,
  );
  process.exit(1);
}

const server = await startExampleServer();
console.error(`Example app running at ${server.url}`);
const code = await main(['record', 'examples/tour.demo.json', '--base-url', server.url, ...process.argv.slice(2)]);
await server.close();
process.exit(code);
