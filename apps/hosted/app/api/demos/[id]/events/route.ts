import { api } from '@/src/auth/api';
import { eventsResponse } from '@/src/realtime/sse';
import { demoId } from '@/src/web/params';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/demos/:id/events: the demo's live events as server-sent events (the process's one LISTEN
 * connection, fanned out), starting after Last-Event-ID or `?after=`. 401/404 JSON before the stream.
 */
export const GET = api<{ id: string }>(({ req, userId, params }) => eventsResponse(userId, demoId(params.id), req));
