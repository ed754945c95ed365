import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { DevBanner } from '@/components/DevBanner';
import { authMode } from '@/src/auth/mode';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Showrunner', template: '%s · Showrunner' },
  description: 'Narrated product-demo videos from a URL and a sentence.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/** Every page: the document, the skip link and, in development mode, the banner that says so. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {authMode() === 'dev' && <DevBanner />}
        {children}
      </body>
    </html>
  );
}
