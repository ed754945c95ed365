import type { BrowserContext, Dialog } from 'playwright-core';

/** Calls of alert/confirm/prompt one document may make; past it they throw, which ends a loop of them. */
export const DIALOG_CALLS_PER_DOCUMENT = 100;

/**
 * Init script for every frame: `alert`, `confirm` and `prompt` answer at once (accept, accept,
 * dismiss) without a native dialog, so a page cannot stall the recording with them, and throw after
 * `cap` calls so `for (;;) alert()` ends. Runs in the page, before its own scripts.
 */
export function quietDialogs(cap: number): void {
  let calls = 0;
  const count = () => {
    calls += 1;
    if (calls > cap) throw new Error(`Showrunner answers at most ${cap} dialogs per page.`);
  };
  const standIns: Record<string, (...args: unknown[]) => unknown> = {
    alert: () => {
      count();
    },
    confirm: () => {
      count();
      return true;
    },
    prompt: () => {
      count();
      return null;
    },
  };
  for (const target of [window, Window.prototype]) {
    for (const [name, value] of Object.entries(standIns)) {
      Object.defineProperty(target, name, { value, configurable: true, writable: true });
    }
  }
}

/**
 * Answer the native dialogs that still appear (`beforeunload`, which no script can replace):
 * alert, confirm and beforeunload accepted, prompt dismissed, at once. Installed once per context
 * by the session; Playwright calls the listener on its event loop. Returns how many of each type
 * were answered.
 */
export function answerDialogs(context: BrowserContext): () => Record<string, number> {
  const answered: Record<string, number> = {};
  context.on('dialog', (dialog: Dialog) => {
    answered[dialog.type()] = (answered[dialog.type()] ?? 0) + 1;
    (dialog.type() === 'prompt' ? dialog.dismiss() : dialog.accept()).catch(() => {});
  });
  return () => ({ ...answered });
}
