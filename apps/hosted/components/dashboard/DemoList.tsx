import Link from 'next/link';
import type { DemoSummary } from '@/src/pipeline/types';
import { ACTIVE, clock, STAGE_LABEL } from '../format';
import { LocalTime } from '../LocalTime';
import { StatusBadge } from '../StatusBadge';
import styles from './DemoList.module.css';

/** The dashboard's list of demos, newest first; an empty state that points at the form. */
export function DemoList({ demos }: { demos: DemoSummary[] }) {
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
