import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local server speaking LemonSqueezy's JSON:API (docs.lemonsqueezy.com/api) for the two calls the
// app makes: POST /v1/checkouts and GET /v1/subscriptions/:id. The SDK has no base-URL option and calls
// the global fetch at request time, so `redirectLemonSqueezy` wraps globalThis.fetch to send
// https://api.lemonsqueezy.com here (shared/research/feas-host.md §4). Every request is recorded.

export const API_ORIGIN = 'https://api.lemonsqueezy.com';

/** A request the fixture received. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const JSON_API = 'application/vnd.api+json';

/**
 * Start the fixture. `apiKey` is the only Bearer token it accepts (401 otherwise, as LemonSqueezy);
 * `subscriptions` are what GET /v1/subscriptions/:id finds (others are 404 with JSON:API errors).
 */
export async function lemonSqueezyApi(apiKey: string, subscriptions: Record<string, { customerPortal: string }> = {}) {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: text ? JSON.parse(text) : undefined });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': JSON_API });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, title: string, detail: string) =>
      send(status, { jsonapi: { version: '1.0' }, errors: [{ detail, status: String(status), title }] });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return error(401, 'Unauthorized', 'Unauthenticated.');
    if (req.method === 'POST' && path === '/v1/checkouts') {
      const data = (
        JSON.parse(text) as {
          data: { attributes: Record<string, unknown>; relationships: Record<string, { data: { id: string } }> };
        }
      ).data;
      const id = randomUUID();
      const now = new Date().toISOString();
      return send(201, {
        jsonapi: { version: '1.0' },
        links: { self: `${API_ORIGIN}/v1/checkouts/${id}` },
        data: {
          type: 'checkouts',
          id,
          attributes: {
            store_id: Number(data.relationships.store?.data.id),
            variant_id: Number(data.relationships.variant?.data.id),
            custom_price: null,
            product_options: data.attributes.product_options ?? {},
            checkout_options: data.attributes.checkout_options ?? {},
            checkout_data: data.attributes.checkout_data ?? {},
            preview: null,
            expires_at: null,
            created_at: now,
            updated_at: now,
            test_mode: true,
            url: `https://showrunner.lemonsqueezy.com/checkout/custom/${id}?signature=fixture`,
          },
          relationships: {},
          links: { self: `${API_ORIGIN}/v1/checkouts/${id}` },
        },
      });
    }
    const sub = /^\/v1\/subscriptions\/([^/?]+)/.exec(path);
    if (req.method === 'GET' && sub) {
      const found = subscriptions[sub[1]!];
      if (!found) return error(404, 'Not Found', 'The requested resource could not be found.');
      return send(200, {
        jsonapi: { version: '1.0' },
        data: {
          type: 'subscriptions',
          id: sub[1],
          attributes: {
            status: 'active',
            urls: {
              update_payment_method: null,
              customer_portal: found.customerPortal,
              customer_portal_update_subscription: null,
            },
          },
        },
      });
    }
    return error(404, 'Not Found', `No route ${req.method} ${path}.`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    subscriptions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Send the SDK's requests for https://api.lemonsqueezy.com to `origin`; returns the function that undoes it. */
export function redirectLemonSqueezy(origin: string): () => void {
  const real = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return real(url.startsWith(API_ORIGIN) ? origin + url.slice(API_ORIGIN.length) : input, init);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = real;
  };
}
