// Runs once when a Next server starts (`next start`, `next dev`), before it answers a request.
// Development mode lets anyone sign in under any name: a production server refuses to start in it.

/** Called by Next at startup; the check itself lives in a Node-only module (it exits the process). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { refuseDevModeInProduction } = await import('./src/auth/startup');
    refuseDevModeInProduction();
  }
}
