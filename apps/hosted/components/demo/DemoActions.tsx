'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { DemoView } from '@/src/pipeline/types';
import { ApiError, apiFetch } from '../api-client';
import { CANCELLABLE } from '../format';

/** Cancel the run (while it can be) and delete the demo (asks once more before doing it). */
export function DemoActions({ view, onView }: { view: DemoView; onView: (view: DemoView) => void }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const cancel = () => run(async () => onView(await apiFetch<DemoView>(`/api/demos/${view.id}/cancel`, { method: 'POST' })));
  const remove = () =>
    run(async () => {
      await apiFetch(`/api/demos/${view.id}`, { method: 'DELETE' });
      router.push('/dashboard');
      router.refresh();
    });

  return (
    <div className="stack">
      <div className="row">
        {CANCELLABLE.has(view.status) && (
          <button type="button" className="btn btn-small" onClick={cancel} disabled={busy}>
            Cancel run
          </button>
        )}
        {confirming ? (
          <span className="row">
            <span>Delete this demo and its video?</span>
            <button type="button" className="btn btn-small btn-danger" onClick={remove} disabled={busy}>
              Yes, delete
            </button>
            <button type="button" className="btn btn-small" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn-small btn-danger" onClick={() => setConfirming(true)} disabled={busy}>
            Delete demo
          </button>
        )}
      </div>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
