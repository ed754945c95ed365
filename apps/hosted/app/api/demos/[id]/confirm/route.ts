import { api } from '@/src/auth/api';
import { confirm } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

/** POST /api/demos/:id/confirm: approves the saved cards; the recording starts. */
export const POST = api<{ id: string }>(({ userId, params }) => confirm(userId, demoId(params.id)));
