import { defineConfig } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import kokoro, { kokoroWeightsAvailable } from '@showrunner/plugin-kokoro';
import openrouter from '@showrunner/plugin-openrouter';
import playwright from '@showrunner/plugin-playwright';

// The repository's own config: what `npm run demo` records with, all offline. Kokoro speaks when its
// weights are already on this machine, eSpeak NG (no download) otherwise; a language model plans
// `showrunner run <url> "<description>"` when OPENROUTER_API_KEY is set, the script parser otherwise.
export default defineConfig(async () => ({
  parse: process.env.OPENROUTER_API_KEY ? openrouter() : undefined,
  tts: (await kokoroWeightsAvailable()) ? kokoro({ allowDownload: false }) : espeak(),
  record: playwright(),
  merge: ffmpeg(),
  cacheDir: process.env.SHOWRUNNER_CACHE_DIR, // the benchmark points it at an empty folder
}));
