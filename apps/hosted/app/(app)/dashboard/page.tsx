import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AutoRefresh } from '@/components/dashboard/AutoRefresh';
import { DemoList } from '@/components/dashboard/DemoList';
import { NewDemoForm } from '@/components/dashboard/NewDemoForm';
import { ACTIVE } from '@/components/format';
import { signedInUser } from '@/src/auth/current-user';
import { listDemos } from '@/src/pipeline/service';
import styles from './dashboard.module.css';

export const metadata: Metadata = { title: 'Dashboard' };

/** `/dashboard`: the signed-in user's demos, credits left, and the new-demo form. */
export default async function Dashboard() {
  const user = await signedInUser();
  if (!user) redirect('/sign-in');
  const { demos, credits } = await listDemos(user.id);
  return (
    <div className={styles.layout}>
      <h1 className={styles.title}>Your demos</h1>
      <NewDemoForm credits={credits} />
      <section aria-label="Demos" className={styles.list}>
        <DemoList demos={demos} />
      </section>
      <AutoRefresh active={demos.some((d) => ACTIVE.has(d.status))} />
    </div>
  );
}
