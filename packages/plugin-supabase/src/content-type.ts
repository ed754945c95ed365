import path from 'node:path';

// What merge writes and what a run folder holds. Storage serves an object with the type it was
// uploaded with, so a wrong one here means a browser that downloads instead of playing.
const TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt',
  '.srt': 'application/x-subrip',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.wav': 'audio/wav',
  '.json': 'application/json',
  '.txt': 'text/plain',
};

/** The Content-Type a file is stored with, from its extension; `application/octet-stream` when unknown. */
export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
