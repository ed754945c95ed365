/** @showrunner/cli: the `showrunner` command, also callable in-process (tests, scripts). */

export { loadConfig } from './load/config-file.js';
export { type LoadDemoOptions, loadDemo } from './load/demo-file.js';
export { importDefault, registerTsConfigLoader } from './load/import-file.js';
export { main } from './main.js';
