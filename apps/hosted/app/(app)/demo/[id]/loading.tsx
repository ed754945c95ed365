/** Shown while the demo loads. */
export default function Loading() {
  return (
    <div className="stack" aria-busy="true">
      <span className="visually-hidden" role="status">
        Loading the demo…
      </span>
      <div className="skeleton" style={{ height: '2.5rem', maxWidth: '28rem' }} />
      <div className="skeleton" style={{ height: '1.2rem', maxWidth: '20rem' }} />
      <div className="skeleton" style={{ height: '8rem' }} />
      <div className="skeleton" style={{ height: '14rem' }} />
    </div>
  );
}
