import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { signedInUser } from '@/src/auth/current-user';
import { HostedError } from '@/src/errors';
import { getDemo } from '@/src/pipeline/service';
import type { DemoView } from '@/src/pipeline/types';

/**
 * This request's user's demo, or the not-found page (also for someone else's demo), or the sign-in
 * page. Cached per request: the layout calls it first — outside the loading boundary, so a 404 is
 * sent as an HTTP 404 before anything streams — and the page and its metadata reuse the answer.
 */
export const loadDemo = cache(async (id: string): Promise<DemoView> => {
  const user = await signedInUser();
  if (!user) redirect('/sign-in');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) notFound();
  try {
    return await getDemo(user.id, id);
  } catch (err) {
    if (err instanceof HostedError && err.code === 'SR_NOT_FOUND') notFound();
    throw err;
  }
});
