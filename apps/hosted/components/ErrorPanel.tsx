'use client';

import Link from 'next/link';

/** A page's error state: a plain message (never the server's error text) and a retry. */
export function ErrorPanel({ title, retry }: { title: string; retry?: () => void }) {
  return (
    <div className="panel stack" role="alert" style={{ maxWidth: '36rem' }}>
      <h1>{title}</h1>
      <p className="muted">Something went wrong on our side. It is usually gone after a moment.</p>
      <div className="row">
        {retry && (
          <button type="button" className="btn btn-primary" onClick={retry}>
            Try again
          </button>
        )}
        <Link href="/dashboard" className="btn">
          Back to the dashboard
        </Link>
      </div>
    </div>
  );
}
