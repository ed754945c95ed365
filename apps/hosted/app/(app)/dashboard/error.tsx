'use client';

import { ErrorPanel } from '@/components/ErrorPanel';

/** When the dashboard cannot load (database down, …): what happened and a way to try again. */
export default function DashboardError({ retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel title="Your demos could not be loaded" retry={retry} />;
}
