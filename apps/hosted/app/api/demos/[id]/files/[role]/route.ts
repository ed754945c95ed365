import { api } from '@/src/auth/api';
import { openFile } from '@/src/pipeline/service';
import { fileResponse } from '@/src/web/files';
import { demoId, fileRole } from '@/src/web/params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/demos/:id/files/:role (video, poster, captions, chapters, failure): the owner's files,
 * with HTTP Range (206) for the video; `?download=1` asks the browser to save it.
 */
export const GET = api<{ id: string; role: string }>(async ({ req, userId, params }) => {
  const role = fileRole(params.role);
  const file = await openFile(userId, demoId(params.id), role, req.headers.get('range'));
  const download = new URL(req.url).searchParams.has('download') && role === 'video' ? 'demo.mp4' : undefined;
  return fileResponse(file, { download });
});
