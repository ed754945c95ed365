import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ShowrunnerError } from '../errors.js';

/** Write JSON atomically (temp file + rename): a crash never leaves half a file behind. */
export async function writeJson(file: string, data: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`);
  await rename(tmp, file);
}

/** Parsed JSON, or undefined when the file does not exist. Throws SR_FILE_UNREADABLE otherwise. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ShowrunnerError('SR_FILE_UNREADABLE', `Cannot read ${file}: ${(err as Error).message}`, { file, cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ShowrunnerError('SR_FILE_UNREADABLE', `${file} is not valid JSON: ${(err as Error).message}`, { file, cause: err });
  }
}
