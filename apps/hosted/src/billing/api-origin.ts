// The LemonSqueezy SDK has no base-URL option: `https://api.lemonsqueezy.com` is a constant inside it,
// and it calls the global fetch at request time (shared/research/feas-host.md §4). To point it at a
// local server speaking the same JSON:API (tests), globalThis.fetch is wrapped so that only URLs on
// that origin are rewritten; every other request goes through unchanged.

const API_ORIGIN = 'https://api.lemonsqueezy.com';
const KEY = Symbol.for('showrunner.hosted.lemonsqueezy.redirect');
type Holder = { [KEY]?: { origin: string; real: typeof fetch } };

/**
 * Send the SDK's requests for https://api.lemonsqueezy.com to `origin` (e.g. `http://127.0.0.1:4010`);
 * returns the function that undoes it. Called by vitest tests, and by src/billing/lemonsqueezy.ts when
 * LEMONSQUEEZY_API_URL is set (the browser tests' server). Calling it again replaces the origin.
 */
export function redirectLemonSqueezy(origin: string): () => void {
  const holder = globalThis as Holder;
  const base = origin.replace(/\/$/, '');
  if (holder[KEY]) {
    holder[KEY].origin = base;
  } else {
    const state = { origin: base, real: globalThis.fetch };
    holder[KEY] = state;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return state.real(url.startsWith(API_ORIGIN) ? state.origin + url.slice(API_ORIGIN.length) : input, init);
    }) as typeof fetch;
  }
  return () => {
    const held = holder[KEY];
    if (!held) return;
    globalThis.fetch = held.real;
    delete holder[KEY];
  };
}
