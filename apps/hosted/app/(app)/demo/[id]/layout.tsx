import type { ReactNode } from 'react';
import { loadDemo } from './load';

/** Checks that the demo is this user's before anything of the page streams (see loadDemo). */
export default async function DemoLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await loadDemo((await params).id);
  return children;
}
