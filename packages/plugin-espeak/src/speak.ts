import { writeFile } from 'node:fs/promises';
import {
  encodeWav,
  SILENT_CLIP_MS,
  type SpeechInput,
  type SpeechOutput,
  type StageContext,
  writeSilence,
} from '@showrunner/core';
import { readsScript } from './alphabets.js';
import type { Engine } from './engine.js';
import { pickVoice } from './languages.js';
import { PLUGIN_NAME, type Settings } from './options.js';
import { isBlank, type PreparedText, prepareText } from './text.js';
import { BUNDLED_CATALOG } from './voice-list.js';
import { resolveVoice } from './voices.js';
import { wordTimings } from './words.js';

/** eSpeak NG's output rate; silent clips use it too, so every clip of a run matches. */
const SAMPLE_RATE = 22_050;

/**
 * Synthesize one narration line into a 16-bit mono WAV at `input.file`. The plugin's `run`: core
 * calls it once per line missing from the clip cache, serially, and `getEngine` loads the WASM
 * engine on the first line that has something to say. A line with nothing speakable (empty,
 * whitespace, only emoji) becomes {@link SILENT_CLIP_MS} of silence.
 */
export async function speak(
  input: SpeechInput,
  ctx: StageContext,
  settings: Settings,
  getEngine: () => Promise<Engine>,
): Promise<SpeechOutput> {
  const where = { plugin: PLUGIN_NAME, stage: 'tts' as const, field: input.voice === undefined ? undefined : 'voice' };
  const text = input.text.replace(/\s+/g, ' ').trim();
  if (!text) {
    // A demo's voice and language are checked even here (against the bundled list), so a typo never hides behind a silent step.
    const { voice } = pickVoice(input, settings.voice, BUNDLED_CATALOG, where);
    if (voice !== undefined) resolveVoice(voice, BUNDLED_CATALOG, where);
    return silence(input.file);
  }

  const engine = await getEngine();
  ctx.signal.throwIfAborted();
  engine.onPrint = (line) => ctx.log.debug(`espeak-ng: ${line}`);
  const picked = pickVoice(input, settings.voice, engine.catalog(), where);
  const voice = picked.voice === undefined ? settings.voice : resolveVoice(picked.voice, engine.catalog(), where);
  if (picked.byLanguage) ctx.log.debug(`voice "${voice}" for language "${input.language}"`);
  const prepared = prepareText(text, { emoji: settings.emoji, reads: (script) => readsScript(engine, voice, script) });
  report(prepared, voice, text, ctx);
  if (isBlank(prepared)) return silence(input.file);

  engine.useVoice(voice);
  const { samples, events } = engine.synthesize(prepared.input, settings.params);
  if (!events.some((e) => e.type === 'word')) return silence(input.file); // e.g. only "<": nothing was said
  const written = Array.from(text, (c, i) => (prepared.dropped.has(i) ? '' : c)); // captions show what was said
  const words = wordTimings(events, prepared.map, written, samples, engine.sampleRate);
  await writeFile(input.file, encodeWav(samples, engine.sampleRate));
  return { sampleRate: engine.sampleRate, durationMs: (samples.length / engine.sampleRate) * 1000, words };
}

async function silence(file: string): Promise<SpeechOutput> {
  const { sampleRate, durationMs } = await writeSilence(file, SILENT_CLIP_MS, SAMPLE_RATE);
  return { sampleRate, durationMs };
}

/** Say what was left out: emoji quietly (expected), unreadable scripts loudly (likely the wrong voice). */
function report(prepared: PreparedText, voice: string, text: string, ctx: StageContext): void {
  const quote = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  if (prepared.emoji) ctx.log.debug(`left out ${prepared.emoji} emoji in ${quote}`);
  const scripts = Object.entries(prepared.scripts);
  if (scripts.length) {
    const what = scripts.map(([script, n]) => `${n} ${script} character${n === 1 ? '' : 's'}`).join(', ');
    ctx.log.warn(`left out ${what} that voice "${voice}" cannot read in ${quote}; pick a voice for that language.`);
  }
}
