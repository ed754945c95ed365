import Link from 'next/link';

/** Someone else's demo, a deleted one, or a mistyped address: the same answer for all three. */
export default function DemoNotFound() {
  return (
    <div className="panel stack" style={{ maxWidth: '36rem' }} data-testid="not-found">
      <h1>Demo not found</h1>
      <p className="muted">There is no demo at this address in your account. It may have been deleted.</p>
      <Link href="/dashboard" className="btn btn-primary" style={{ alignSelf: 'flex-start' }}>
        Back to your demos
      </Link>
    </div>
  );
}
