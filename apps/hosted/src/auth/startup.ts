import { assertAuthConfigured } from './mode';

/**
 * Exits the server with the reason when it would serve development mode with NODE_ENV=production
 * (instrumentation.ts calls this at startup). `next build` loads instrumentation too: the refusal is
 * about serving, so the build phase passes.
 */
export function refuseDevModeInProduction(): void {
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  try {
    assertAuthConfigured();
  } catch (err) {
    console.error(`\n${(err as Error).message}\n`);
    process.exit(1);
  }
}
