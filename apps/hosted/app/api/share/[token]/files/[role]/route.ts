import { publicApi } from '@/src/auth/api';
import { openFile } from '@/src/pipeline/service';
import { fileResponse } from '@/src/web/files';
import { fileRole, shareToken } from '@/src/web/params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /api/share/:token/files/:role: a shared video's files for anyone with a live link (Range too). */
export const GET = publicApi<{ token: string; role: string }>(async ({ req, params }) => {
  const role = fileRole(params.role);
  const file = await openFile({ share: shareToken(params.token) }, undefined, role, req.headers.get('range'));
  return fileResponse(file, { shared: true });
});
