import { open } from 'node:fs/promises';

/**
 * Walk the top-level boxes of an mp4 and say what is wrong, or undefined when it is whole: boxes
 * must tile the file exactly and include `moov` and `mdat`. ffmpeg 5.1 can exit 0 after "Error
 * writing trailer: File too large", so a zero exit alone does not prove the file is complete.
 * Called once after the encode, before the rename.
 */
export async function mp4Problem(file: string): Promise<string | undefined> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(16);
    const seen = new Set<string>();
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(head, 0, 16, at);
      if (bytesRead < 8) return `a truncated box header at byte ${at}`;
      let box = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (box === 1) {
        if (bytesRead < 16) return `a truncated box header at byte ${at}`;
        box = Number(head.readBigUInt64BE(8));
      } else if (box === 0) box = size - at; // "to the end of the file"
      if (box < 8 || at + box > size) return `box "${type}" at byte ${at} runs past the end (${size} bytes)`;
      seen.add(type);
      at += box;
    }
    const missing = ['moov', 'mdat'].filter((t) => !seen.has(t));
    return missing.length ? `no ${missing.join(' or ')} box` : undefined;
  } finally {
    await fh.close();
  }
}
