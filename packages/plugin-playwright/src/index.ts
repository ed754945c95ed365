export { type BrowserOptions, CHROMIUM_ARGS, findChromium, launchBrowser } from './browser.js';
export { ariaSnapshot, type SnapshotOptions } from './snapshot.js';
