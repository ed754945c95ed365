import { SignOutButton } from '@clerk/nextjs';
import Link from 'next/link';
import { currentUser } from '@/src/auth/current-user';
import { authMode } from '@/src/auth/mode';
import styles from './SiteHeader.module.css';

/** The top bar of the signed-in side: brand, dashboard and billing links, who is signed in, sign in/out. */
export async function SiteHeader() {
  const user = await currentUser();
  return (
    <header className={styles.header}>
      <nav className={`container ${styles.bar}`} aria-label="Main">
        <Link href="/" className={styles.brand}>
          <span className={styles.logo} aria-hidden="true">
            ▶
          </span>
          <span className={styles.brandText}>Showrunner</span>
        </Link>
        <div className={styles.links}>
          {user ? (
            <>
              <Link href="/dashboard" className={styles.link}>
                Dashboard
              </Link>
              <Link href="/billing" className={styles.link}>
                Billing
              </Link>
              {user.name && (
                <span className={styles.user} data-testid="user-name">
                  {user.name}
                </span>
              )}
              <SignOut />
            </>
          ) : (
            <Link href="/sign-in" className="btn btn-primary btn-small">
              Sign in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}

function SignOut() {
  if (authMode() === 'clerk') {
    return (
      <SignOutButton>
        <button type="button" className="btn btn-small">
          Sign out
        </button>
      </SignOutButton>
    );
  }
  return (
    <form action="/api/dev/sign-out" method="post">
      <button type="submit" className="btn btn-small">
        Sign out
      </button>
    </form>
  );
}
