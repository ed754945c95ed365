/** @showrunner/cli: the `showrunner` command, also callable in-process (tests, scripts). */

export { loadConfig } from './load/config-file.js';
export { loadDemo } from './load/demo-file.js';
export { main } from './main.js';
