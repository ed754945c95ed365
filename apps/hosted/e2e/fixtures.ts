import { type APIResponse, type BrowserContext, test as base, expect } from '@playwright/test';
import { sessionCookies, sessionToken, signedOutCookies } from './harness/clerk';

// What every spec gets: the deployment's base URL, a browser context that cannot reach anything but
// this machine, sign-in as any Clerk user id (cookies signed with the test's key), and an API client
// that calls as a user (Bearer session token) or signed out.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An API call's outcome: status, headers and the JSON body (undefined when not JSON). */
export interface ApiResult {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the specs read whatever each route answers
  json: any;
}

export type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResult>;

/** Hermetic browsing: every request to another host is aborted before it leaves. */
export async function loopbackOnly(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => !LOOPBACK.has(url.hostname),
    (route) => route.abort('blockedbyclient'),
  );
}

export const test = base.extend<{
  signIn: (userId: string) => Promise<void>;
  signOut: () => Promise<void>;
  apiAs: (userId?: string) => Promise<Api>;
  exampleUrl: string;
}>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  baseURL: async ({}, use) => {
    await use(process.env.E2E_BASE_URL);
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above
  exampleUrl: async ({}, use) => {
    await use(process.env.E2E_EXAMPLE_URL!);
  },
  context: async ({ context, baseURL }, use) => {
    await loopbackOnly(context);
    // A fresh browser of a Clerk development instance already went through the dev-browser step.
    await context.addCookies(signedOutCookies(baseURL!));
    await use(context);
  },
  signIn: async ({ context, baseURL }, use) => {
    await use(async (userId) => {
      await context.addCookies(await sessionCookies(process.env.E2E_CLERK_PRIVATE_KEY!, userId, baseURL!));
    });
  },
  signOut: async ({ context, baseURL }, use) => {
    await use(async () => {
      await context.clearCookies();
      await context.addCookies(signedOutCookies(baseURL!));
    });
  },
  apiAs: async ({ playwright, baseURL }, use) => {
    const contexts: { dispose(): Promise<void> }[] = [];
    await use(async (userId) => {
      const token = userId ? await sessionToken(process.env.E2E_CLERK_PRIVATE_KEY!, userId, baseURL!) : undefined;
      const request = await playwright.request.newContext({
        baseURL,
        extraHTTPHeaders: token ? { authorization: `Bearer ${token}` } : {},
      });
      contexts.push(request);
      return async (method, path, body, headers = {}) => {
        const res: APIResponse = await request.fetch(path, {
          method,
          data: body === undefined ? undefined : JSON.stringify(body),
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          maxRedirects: 0,
        });
        const type = res.headers()['content-type'] ?? '';
        const json = type.includes('json') ? await res.json() : undefined;
        return { status: res.status(), headers: res.headers(), json };
      };
    });
    for (const c of contexts) await c.dispose();
  },
});

export { expect };

/** A unique Clerk-style user id for one test. */
export function userId(name: string): string {
  return `user_e2e_${name}_${Math.random().toString(36).slice(2, 8)}`;
}
