import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { writeSilence } from '../audio/wav.js';
import { withContext } from '../errors.js';
import type { StageContext, TtsPlugin } from '../plugin.js';
import { safeJoin } from '../policy/paths.js';
import type { Step } from '../schema/demo.js';
import type { Clip } from '../schema/run.js';
import { type CachedClip, ClipCache } from './cache.js';

/** A step with no narration still stays on screen this long, as a silent clip. */
export const SILENT_CLIP_MS = 800;

/**
 * Turns narration lines into clips through the tts plugin and the clip cache. Core owns it: the
 * tts stage uses it for every step, and the recorder's `clipDuration` for steps added mid-run.
 */
export class Narrator {
  private readonly cache: ClipCache;
  private readonly pending = new Map<string, Promise<{ audio: CachedClip; cached: boolean }>>();
  private readonly plugin: TtsPlugin;
  private readonly ctx: StageContext;
  private readonly voice?: string;
  private readonly language?: string;

  /** `voice` and `language` are the demo's (undefined: the plugin's default voice, and `en`). */
  constructor(plugin: TtsPlugin, ctx: StageContext, voice?: string, language?: string) {
    this.plugin = plugin;
    this.ctx = ctx;
    this.voice = voice;
    this.language = language;
    this.cache = new ClipCache(ctx.cacheDir);
  }

  /**
   * Audio for a line, from the cache or synthesized once per run; `cached` says which. Concurrent
   * asks for one line share one synthesis.
   */
  audio(text: string): Promise<{ audio: CachedClip; cached: boolean }> {
    const { voice, language } = this;
    const key = this.cache.key({ plugin: this.plugin.name, fingerprint: this.plugin.fingerprint, voice, language, text });
    let job = this.pending.get(key);
    if (!job) {
      job = this.lookup(key, text);
      this.pending.set(key, job);
      job.catch(() => this.pending.delete(key));
    }
    return job;
  }

  /** Length in ms of a step's clip (synthesizing it if needed). */
  async duration(step: Step): Promise<number> {
    const text = spoken(step);
    return text ? (await this.audio(text)).audio.durationMs : SILENT_CLIP_MS;
  }

  /** Write the step's clip into `dir` as `<step id>.wav` and describe it with a run-relative path. */
  async clip(step: Step, dir: string): Promise<Clip> {
    const file = safeJoin(dir, `${step.id}.wav`); // ids are checked by the schema; this holds even if one was not
    const text = spoken(step);
    const rel = path.relative(this.ctx.runDir, file).split(path.sep).join('/');
    if (!text) {
      const wav = await writeSilence(file, SILENT_CLIP_MS);
      return { stepId: step.id, path: rel, text, sampleRate: wav.sampleRate, durationMs: wav.durationMs, cached: false };
    }
    const { audio, cached } = await this.audio(text);
    await copyFile(audio.file, file);
    const { sampleRate, durationMs, words } = audio;
    return { stepId: step.id, path: rel, text, sampleRate, durationMs, words, cached };
  }

  private async lookup(key: string, text: string): Promise<{ audio: CachedClip; cached: boolean }> {
    const hit = await this.cache.get(key);
    if (hit) return { audio: hit, cached: true };
    try {
      const audio = await this.cache.put(key, (file) =>
        this.plugin.run({ text, voice: this.voice, language: this.language, file }, this.ctx),
      );
      return { audio, cached: false };
    } catch (err) {
      throw withContext(err, { stage: 'tts', plugin: this.plugin.name }, 'SR_TTS_FAILED');
    }
  }
}

/** The text to speak: narration with whitespace collapsed. */
export const spoken = (step: Step): string => (step.narration ?? '').replace(/\s+/g, ' ').trim();
