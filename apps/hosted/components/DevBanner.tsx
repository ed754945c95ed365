import styles from './DevBanner.module.css';

/** The strip on every page in development mode: anyone can sign in under any name here. */
export function DevBanner() {
  return (
    <div className={styles.banner} role="note" data-testid="dev-banner">
      <strong>Development mode</strong>
      <span>Local sign-in with any name, no passwords. Set the Clerk keys before serving real users.</span>
    </div>
  );
}
