import { defineConfig, voicesByLanguage } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import kokoro, { kokoroWeightsAvailable } from '@showrunner/plugin-kokoro';
import openrouter from '@showrunner/plugin-openrouter';
import playwright from '@showrunner/plugin-playwright';

// The repository's own config: what `npm run demo` records with, all offline. Kokoro speaks English
// when its weights are already on this machine, eSpeak NG (no download) every other language, and
// English too without the weights (`--language zh` needs no change here); a language model plans
// `showrunner run <url> "<description>"` when OPENROUTER_API_KEY is set, the script parser otherwise.
export default defineConfig(async () => ({
  parse: process.env.OPENROUTER_API_KEY ? openrouter() : undefined,
  tts: (await kokoroWeightsAvailable()) ? voicesByLanguage({ en: kokoro({ allowDownload: false }), '*': espeak() }) : espeak(),
  record: playwright(),
  merge: ffmpeg(),
  cacheDir: process.env.SHOWRUNNER_CACHE_DIR, // the benchmark points it at an empty folder
  // The video is encoded while the steps are recorded; the benchmark's baseline sets this to merge after recording.
  encodeWhileRecording: process.env.SHOWRUNNER_ENCODE_AFTER_RECORDING !== '1',
}));
