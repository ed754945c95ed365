import { SignIn } from '@clerk/nextjs';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { signedInUser } from '@/src/auth/current-user';
import { authMode } from '@/src/auth/mode';
import styles from './sign-in.module.css';

export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  name: 'Type a name with at least one letter or digit.',
};

/** `/sign-in`: Clerk's sign-in, or in development mode a form where you pick a name. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  // signedInUser, not currentUser: a deleted user's still-valid session must not bounce back to /dashboard.
  if (await signedInUser()) redirect('/dashboard');
  if (authMode() === 'clerk') {
    return (
      <div className={styles.center}>
        <SignIn routing="path" path="/sign-in" fallbackRedirectUrl="/dashboard" />
      </div>
    );
  }
  const { error } = await searchParams;
  const message = error ? (ERRORS[error] ?? 'Sign-in failed.') : undefined;
  return (
    <div className={styles.center}>
      <form className={`panel stack ${styles.form}`} action="/api/dev/session" method="post">
        <h1>Sign in</h1>
        <p className="muted">Development mode: pick any name. Each name is its own account with its own demos.</p>
        <div className="field">
          <label htmlFor="name">Your name</label>
          <input
            id="name"
            name="name"
            type="text"
            required
            maxLength={40}
            autoComplete="nickname"
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? 'name-error' : undefined}
          />
          {message && (
            <p id="name-error" className="error-text" role="alert">
              {message}
            </p>
          )}
        </div>
        <button type="submit" className="btn btn-primary">
          Continue
        </button>
      </form>
    </div>
  );
}
