import Link from 'next/link';
import { currentUser } from '@/src/auth/current-user';
import styles from './landing.module.css';

const STEPS = [
  { title: 'Paste a URL and a sentence', text: 'Say what the video should show, in your own words and language.' },
  { title: 'Review the step cards', text: 'Edit what is said and clicked, reorder, add or re-plan a step before recording.' },
  {
    title: 'Watch it record, then share',
    text: 'A browser performs the steps while a voice narrates. Send the link when it is done.',
  },
];

/** `/`: what Showrunner does, and the way in (sign in, or the dashboard when signed in). */
export default async function Landing() {
  const user = await currentUser();
  return (
    <div className={styles.page}>
      <section className={styles.hero} aria-labelledby="hero-title">
        <h1 id="hero-title">Narrated product demos from a URL and a sentence</h1>
        <p className={styles.lead}>
          Showrunner plans the clicks, records them in a real browser, speaks the narration and hands you a video with captions
          and chapters.
        </p>
        <div className="row">
          {user ? (
            <Link href="/dashboard" className="btn btn-primary">
              Open your dashboard
            </Link>
          ) : (
            <Link href="/sign-in" className="btn btn-primary">
              Sign in to start
            </Link>
          )}
        </div>
      </section>
      <ol className={styles.steps}>
        {STEPS.map((step, i) => (
          <li key={step.title} className={`panel ${styles.step}`}>
            <span className={styles.number} aria-hidden="true">
              {i + 1}
            </span>
            <h2>{step.title}</h2>
            <p className="muted">{step.text}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
