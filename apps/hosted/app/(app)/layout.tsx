import { ClerkProvider } from '@clerk/nextjs';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/SiteHeader';
import { authMode } from '@/src/auth/mode';

/**
 * The signed-in side (landing, sign-in, dashboard, demo pages): the header with the account, and
 * Clerk's provider when Clerk is configured. The public share page lives outside this group, so
 * its visitors load nothing of Clerk.
 */
export default function AppLayout({ children }: { children: ReactNode }) {
  const page = (
    <>
      <SiteHeader />
      <main id="main" className="container">
        {children}
      </main>
    </>
  );
  if (authMode() !== 'clerk') return page;
  return (
    <ClerkProvider signInUrl="/sign-in" signInFallbackRedirectUrl="/dashboard" afterSignOutUrl="/">
      {page}
    </ClerkProvider>
  );
}
