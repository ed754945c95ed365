import type { DemoStatus } from '@/src/pipeline/types';
import { STATUS_LABEL } from './format';
import styles from './StatusBadge.module.css';

/** A run status as a coloured pill (the word carries the meaning, the colour only helps). */
export function StatusBadge({ status }: { status: DemoStatus }) {
  return (
    <span className={`${styles.badge} ${styles[status] ?? ''}`} data-status={status}>
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}
