/** Shown while the shared video loads. */
export default function Loading() {
  return (
    <main className="container stack" aria-busy="true" style={{ paddingTop: '1.5rem' }}>
      <span className="visually-hidden" role="status">
        Loading the video…
      </span>
      <div className="skeleton" style={{ height: '2.25rem', maxWidth: '24rem' }} />
      <div className="skeleton" style={{ aspectRatio: '16 / 9', width: '100%' }} />
    </main>
  );
}
