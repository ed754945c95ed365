import Link from 'next/link';

/** Any address the app does not have. */
export default function NotFound() {
  return (
    <main id="main" className="container">
      <div className="panel stack" style={{ maxWidth: '36rem', margin: '2rem auto 0' }} data-testid="not-found">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link href="/" className="btn btn-primary" style={{ alignSelf: 'flex-start' }}>
          Go to the start page
        </Link>
      </div>
    </main>
  );
}
