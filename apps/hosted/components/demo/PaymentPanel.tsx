import { UpgradeButton } from '../billing/UpgradeButton';
import styles from './PaymentPanel.module.css';

/**
 * The demo page's panel while the demo waits for payment (its steps confirmed with no credit left): it
 * records by itself when a payment credits the account — the page follows its events, so the status
 * moves on without a reload — and the upgrade button opens the checkout here.
 */
export function PaymentPanel() {
  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="payment-title" data-testid="awaiting-payment">
      <h2 id="payment-title" className={styles.title}>
        No credits left on your plan
      </h2>
      <p className={styles.text}>Waiting for payment — this demo records by itself when your plan is upgraded.</p>
      <UpgradeButton plan="pro" />
    </section>
  );
}

/** Above the cards at review when the demo holds no credit (view.needsPayment): review now, pay to record. */
export function ReviewPaymentNotice() {
  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="needs-payment-title" data-testid="needs-payment">
      <h2 id="needs-payment-title" className={styles.title}>
        No credits left
      </h2>
      <p className={styles.text}>Review the steps now; recording starts by itself once your plan is upgraded.</p>
      <UpgradeButton plan="pro" />
    </section>
  );
}

/** The demo page's panel once the retention job removed the video (the plan's retention passed). */
export function ExpiredPanel({ expiredAt }: { expiredAt: string }) {
  const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' }).format(new Date(expiredAt));
  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="expired-title" data-testid="expired">
      <h2 id="expired-title" className={styles.title}>
        This video has expired
      </h2>
      <p className={styles.text}>
        Its files were removed on {when}, when your plan's retention ran out. Share links to it now say so. Paid plans keep videos
        longer.
      </p>
    </section>
  );
}
