import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { cache } from 'react';
import { VideoPlayer } from '@/components/player/VideoPlayer';
import { sharedVideo } from '@/src/pipeline/service';
import type { SharedVideo } from '@/src/pipeline/types';
import styles from './share.module.css';

type Props = { params: Promise<{ token: string }> };

// One lookup per request for both the page and its meta tags.
const load = cache(async (token: string): Promise<SharedVideo> => {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: 'missing' };
  return sharedVideo(token);
});

/** The site's origin for absolute URLs in link previews: HOSTED_PUBLIC_URL, else this request's host. */
async function origin(): Promise<string> {
  if (process.env.HOSTED_PUBLIC_URL) return process.env.HOSTED_PUBLIC_URL.replace(/\/+$/, '');
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}

/** Open Graph and Twitter card tags with the poster, so a pasted link shows a preview. */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { token } = await params;
  const shared = await load(token);
  if (shared.state !== 'ok') return { title: 'Video unavailable', robots: { index: false } };
  const base = await origin();
  const abs = (path: string) => new URL(path, `${base}/`).toString();
  const description = `A narrated demo video (${Math.round(shared.files.durationMs / 1000)} s), made with Showrunner.`;
  const images = shared.files.poster
    ? [{ url: abs(shared.files.poster), width: 1280, height: 720, alt: shared.title }]
    : undefined;
  return {
    title: shared.title,
    description,
    robots: { index: false },
    openGraph: {
      type: 'video.other',
      title: shared.title,
      description,
      url: abs(`/share/${token}`),
      siteName: 'Showrunner',
      images,
      videos: [{ url: abs(shared.files.video), type: 'video/mp4', width: 1280, height: 720 }],
    },
    twitter: { card: 'summary_large_image', title: shared.title, description, images: images?.map((i) => i.url) },
  };
}

const GONE: Record<Exclude<SharedVideo['state'], 'ok'>, { title: string; text: string }> = {
  revoked: {
    title: 'This link was turned off',
    text: 'The person who shared this video revoked the link. Ask them for a new one.',
  },
  expired: {
    title: 'This video has expired',
    text: 'The video behind this link is no longer kept. Ask the person who shared it to record it again.',
  },
  missing: { title: 'No video at this link', text: 'Check that the address was copied completely.' },
};

/** `/share/[token]`: the public player (no sign-in), or a clear page when the link is revoked or expired. */
export default async function SharePage({ params }: Props) {
  const { token } = await params;
  const shared = await load(token);
  return (
    <>
      <header className={styles.header}>
        <div className={`container ${styles.bar}`}>
          <Link href="/" className={styles.brand}>
            <span className={styles.logo} aria-hidden="true">
              ▶
            </span>
            Showrunner
          </Link>
        </div>
      </header>
      <main id="main" className="container">
        {shared.state === 'ok' ? (
          <article className={styles.article}>
            <h1 className={styles.title}>{shared.title}</h1>
            <VideoPlayer files={shared.files} title={shared.title} />
          </article>
        ) : (
          <div className={`panel stack ${styles.gone}`} data-testid="share-unavailable" data-state={shared.state}>
            <h1>{GONE[shared.state].title}</h1>
            {shared.title && <p className="muted">“{shared.title}”</p>}
            <p>{GONE[shared.state].text}</p>
            <Link href="/" className="btn" style={{ alignSelf: 'flex-start' }}>
              What is Showrunner?
            </Link>
          </div>
        )}
      </main>
    </>
  );
}
