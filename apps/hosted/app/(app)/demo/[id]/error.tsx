'use client';

import { ErrorPanel } from '@/components/ErrorPanel';

/** When the demo cannot be loaded for a reason other than "not yours / not there". */
export default function DemoError({ retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel title="This demo could not be loaded" retry={retry} />;
}
