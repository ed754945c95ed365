import type { FileAnswer } from '../pipeline/files';

/**
 * The HTTP answer for a file from openFile: the stream with its length and type (206 + Content-Range
 * for a Range request, so the video seeks), or a redirect to a signed storage URL. `download` sets
 * Content-Disposition so the browser saves the file under that name.
 */
export function fileResponse(file: FileAnswer, options: { download?: string; shared?: boolean } = {}): Response {
  if ('redirect' in file) {
    return new Response(null, { status: 302, headers: { location: file.redirect, 'cache-control': 'no-store' } });
  }
  const headers = new Headers({
    'content-type': file.contentType,
    'content-length': String(file.size),
    'accept-ranges': 'bytes',
    // Owner files are private; a share link's files may sit in the browser's cache for a while.
    'cache-control': options.shared ? 'public, max-age=300' : 'private, max-age=60',
    'x-content-type-options': 'nosniff',
  });
  if (file.contentRange) headers.set('content-range', file.contentRange);
  if (options.download)
    headers.set('content-disposition', `attachment; filename="${options.download.replace(/[^\w.-]+/g, '_')}"`);
  return new Response(file.stream, { status: file.status, headers });
}
