import type { Metadata } from 'next';
import { DemoClient } from '@/components/demo/DemoClient';
import { loadDemo } from './load';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await loadDemo((await params).id)).title };
}

/** `/demo/[id]`: live status, the review, the failure panel, the player and share links. */
export default async function DemoPage({ params }: Props) {
  return <DemoClient initial={await loadDemo((await params).id)} />;
}
