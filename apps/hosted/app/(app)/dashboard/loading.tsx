import styles from './dashboard.module.css';

/** Shown while the dashboard's demos load. */
export default function Loading() {
  return (
    <div className={styles.layout} aria-busy="true">
      <h1 className={styles.title}>Your demos</h1>
      <div className={`skeleton ${styles.skeletonForm}`} />
      <div className={styles.list}>
        <span className="visually-hidden" role="status">
          Loading your demos…
        </span>
        <div className={`skeleton ${styles.skeletonItem}`} />
        <div className={`skeleton ${styles.skeletonItem}`} />
        <div className={`skeleton ${styles.skeletonItem}`} />
      </div>
    </div>
  );
}
