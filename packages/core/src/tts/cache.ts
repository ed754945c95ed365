import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeJson } from '../run/folder.js';
import type { WordTiming } from '../schema/run.js';
import type { SpeechOutput } from '../types.js';

/** A clip stored in the cache: the WAV file and what the voice reported about it. */
export interface CachedClip extends SpeechOutput {
  file: string;
  words?: WordTiming[];
}

/** What identifies a clip's audio: the plugin, its audio-changing options, the voice, the language and the text. */
export interface ClipKey {
  plugin: string;
  fingerprint: string;
  voice?: string;
  /** BCP 47; undefined is `en`. Keyed so one text in two languages (`OK`, a name) never shares a clip. */
  language?: string;
  text: string;
}

/**
 * Content-addressed clip store (`<cacheDir>/clips/<sha256>.wav` + `.json`), shared by every run, so
 * editing one narration re-synthesizes one clip. Safe against crashes: the .json is written last.
 */
export class ClipCache {
  readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = path.join(cacheDir, 'clips');
  }

  key(parts: ClipKey): string {
    // Tags are case-insensitive (`zh-CN` = `zh-cn`), and no tag means `en`.
    const language = (parts.language ?? 'en').toLowerCase();
    const json = JSON.stringify([parts.plugin, parts.fingerprint, parts.voice ?? '', language, parts.text]);
    return createHash('sha256').update(json).digest('hex');
  }

  async get(key: string): Promise<CachedClip | undefined> {
    try {
      const meta = JSON.parse(await readFile(path.join(this.dir, `${key}.json`), 'utf8')) as SpeechOutput;
      return { ...meta, file: path.join(this.dir, `${key}.wav`) };
    } catch {
      return undefined;
    }
  }

  /** Run `write` on a temp file, then move it into place. Concurrent writers of one key both succeed. */
  async put(key: string, write: (file: string) => Promise<SpeechOutput>): Promise<CachedClip> {
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `${key}.${randomBytes(3).toString('hex')}.tmp.wav`);
    try {
      const meta = await write(tmp);
      const file = path.join(this.dir, `${key}.wav`);
      await rename(tmp, file);
      const stored: SpeechOutput = { sampleRate: meta.sampleRate, durationMs: meta.durationMs, words: meta.words };
      await writeJson(path.join(this.dir, `${key}.json`), stored);
      return { ...stored, file };
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
