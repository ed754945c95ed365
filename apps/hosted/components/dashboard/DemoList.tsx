import Link from 'next/link';
import { EXPIRY_WARNING_DAYS } from '@/src/billing/plans';
import type { DemoSummary } from '@/src/pipeline/types';
import { ACTIVE, clock, STAGE_LABEL } from '../format';
import { LocalTime } from '../LocalTime';
import { StatusBadge } from '../StatusBadge';
import styles from './DemoList.module.css';

/**
 * The dashboard's list of demos, newest first; an empty state that points at the form. A finished
 * video says when it expired, or warns EXPIRY_WARNING_DAYS ahead of its plan's retention running out.
 */
export function DemoList({ demos, now = Date.now() }: { demos: DemoSummary[]; now?: number }) {
  if (demos.length === 0) {
    return (
      <div className={`panel ${styles.empty}`} data-testid="demos-empty">
        <h3>No demos yet</h3>
        <p className="muted">Paste the address of your app and describe what to show: the first video is a minute away.</p>
      </div>
    );
  }
  return (
    <ul className={styles.list} data-testid="demo-list">
      {demos.map((demo) => (
        <li key={demo.id}>
          <Link href={`/demo/${demo.id}`} className={styles.item} data-testid="demo-item">
            <Thumbnail demo={demo} />
            <div className={styles.body}>
              <div className={styles.titleRow}>
                <span className={styles.title}>{demo.title}</span>
                <StatusBadge status={demo.status} />
              </div>
              <span className={styles.url}>{host(demo.url)}</span>
              {ACTIVE.has(demo.status) && demo.stage && (
                <span className={styles.stage}>
                  {STAGE_LABEL[demo.stage] ?? demo.stage}
                  {demo.progress !== undefined && ` · ${Math.round(demo.progress * 100)}%`}
                </span>
              )}
              <Expiry demo={demo} now={now} />
              <span className={styles.meta}>
                <LocalTime iso={demo.createdAt} />
                {demo.durationMs !== undefined && <span> · {clock(demo.durationMs)}</span>}
              </span>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}

const DAY = 24 * 3600 * 1000;

function Expiry({ demo, now }: { demo: DemoSummary; now: number }) {
  if (demo.expiredAt) {
    return (
      <span className={styles.expired} data-testid="expiry">
        Video expired
      </span>
    );
  }
  if (!demo.expiresAt) return null;
  const days = Math.ceil((Date.parse(demo.expiresAt) - now) / DAY);
  if (days > EXPIRY_WARNING_DAYS) return null;
  return (
    <span className={styles.expiring} data-testid="expiry">
      {days <= 0 ? 'Expires today' : `Expires in ${days} ${days === 1 ? 'day' : 'days'}`}
    </span>
  );
}

function Thumbnail({ demo }: { demo: DemoSummary }) {
  if (demo.thumbnailUrl) {
    // biome-ignore lint/performance/noImgElement: a poster served by the app's own API, no optimiser wanted
    return <img className={styles.thumb} src={demo.thumbnailUrl} alt="" loading="lazy" width={160} height={90} />;
  }
  return (
    <span className={`${styles.thumb} ${styles.placeholder}`} aria-hidden="true">
      ▶
    </span>
  );
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
