import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { UpgradeButton } from '@/components/billing/UpgradeButton';
import { LocalTime } from '@/components/LocalTime';
import { signedInUser } from '@/src/auth/current-user';
import type { Plan } from '@/src/billing/plans';
import { billingOverview } from '@/src/billing/service';
import styles from './billing.module.css';

export const metadata: Metadata = { title: 'Billing' };

const STATUS: Record<string, { label: string; tone: 'ok' | 'warn' | 'muted' }> = {
  free: { label: 'Free plan', tone: 'muted' },
  active: { label: 'Active', tone: 'ok' },
  on_trial: { label: 'On trial', tone: 'ok' },
  cancelled: { label: 'Cancelled', tone: 'warn' },
  past_due: { label: 'Payment failed', tone: 'warn' },
  unpaid: { label: 'Unpaid', tone: 'warn' },
  paused: { label: 'Paused', tone: 'muted' },
  expired: { label: 'Expired', tone: 'muted' },
};

const retention = (p: Plan) =>
  p.retentionDays === null ? 'Videos kept while your account exists' : `Videos kept ${p.retentionDays} days`;
const minutes = (s: number) => `Videos up to ${s >= 60 ? `${Math.round(s / 60)} min` : `${s} s`}`;

/** `/billing`: the signed-in user's plan, status, renewal, usage this period, upgrades and the customer portal. */
export default async function Billing({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await signedInUser();
  if (!user) redirect('/sign-in');
  const [o, query] = await Promise.all([billingOverview(user.id), searchParams]);
  const status = STATUS[o.status] ?? { label: o.status, tone: 'muted' as const };
  return (
    <div className={styles.layout}>
      <h1 className={styles.title}>Billing</h1>
      {query.paid === '1' && (
        <p className="notice notice-ok" role="status">
          Thank you. Your plan changes here as soon as LemonSqueezy confirms the payment, usually within seconds; reload to see
          it. Demos waiting for payment go on by themselves.
        </p>
      )}
      {!o.paymentsConfigured && (
        <p className="notice" data-testid="payments-off">
          Payments are not configured on this server (the <code>LEMONSQUEEZY_*</code> settings), so plans cannot be bought here.
          Everything else works on the free plan.
        </p>
      )}
      <section className={`panel ${styles.current}`} aria-labelledby="plan-heading">
        <div className={styles.planHead}>
          <h2 id="plan-heading" className={styles.planName}>
            {o.plan.name}
          </h2>
          <span className={`${styles.badge} ${styles[status.tone]}`} data-testid="plan-status">
            {status.label}
          </span>
        </div>
        <p className={styles.when}>
          {o.endsAt ? (
            <>
              Ends on <LocalTime iso={o.endsAt.toISOString()} />, then back to Free.
            </>
          ) : o.status === 'free' ? (
            o.renewsAt && (
              <>
                New free demos on <LocalTime iso={o.renewsAt.toISOString()} />.
              </>
            )
          ) : (
            o.renewsAt && (
              <>
                Renews on <LocalTime iso={o.renewsAt.toISOString()} />.
              </>
            )
          )}
        </p>
        <div className={styles.usage}>
          <div className={styles.usageText}>
            <span>
              <strong>{o.used}</strong> of {o.allowance} demos used this period
            </span>
            <span className="muted" data-testid="credits-left">
              {o.credits} left
            </span>
          </div>
          <progress
            className={styles.bar}
            max={o.allowance}
            value={Math.min(o.used, o.allowance)}
            aria-label="Demos used this period"
          />
        </div>
        <ul className={styles.facts}>
          <li>{retention(o.plan)}</li>
          <li>{o.plan.watermark ? 'A small Showrunner mark in the corner of each video' : 'No watermark'}</li>
          <li>{minutes(o.plan.maxVideoSeconds)}</li>
        </ul>
        {o.status === 'past_due' && (
          <p className="notice notice-error" role="alert">
            The last payment failed. LemonSqueezy tries again over the next days; update your card to keep the plan.
          </p>
        )}
        {(o.portalUrl || (o.status === 'past_due' && o.updatePaymentUrl)) && (
          <div className={`row ${styles.actions}`}>
            {o.status === 'past_due' && o.updatePaymentUrl && (
              <a className="btn btn-primary" href={o.updatePaymentUrl} target="_blank" rel="noopener noreferrer">
                Update payment method
              </a>
            )}
            {o.portalUrl && (
              <a className="btn" href={o.portalUrl} target="_blank" rel="noopener noreferrer">
                Manage subscription and invoices
              </a>
            )}
          </div>
        )}
      </section>
      {o.upgrades.length > 0 && (
        <section aria-labelledby="upgrade-heading" className={styles.upgrades}>
          <h2 id="upgrade-heading" className={styles.subtitle}>
            Upgrade
          </h2>
          <ul className={styles.plans}>
            {o.upgrades.map((p) => (
              <li key={p.id} className={`panel ${styles.plan}`}>
                <h3 className={styles.planTitle}>{p.name}</h3>
                <ul className={styles.facts}>
                  <li>{p.demosPerPeriod} demos a month</li>
                  <li>{minutes(p.maxVideoSeconds)}</li>
                  <li>{retention(p)}</li>
                  <li>{p.watermark ? 'Watermark' : 'No watermark'}</li>
                </ul>
                <UpgradeButton plan={p.id as 'pro' | 'team'} configured />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
