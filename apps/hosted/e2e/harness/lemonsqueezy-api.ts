import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local server speaking LemonSqueezy's JSON:API (docs.lemonsqueezy.com/api) for the calls the app
// makes: POST /v1/checkouts, GET /v1/subscriptions/:id and DELETE /v1/subscriptions/:id (cancel). The SDK has no base-URL option and calls
// the global fetch at request time: vitest tests send it here with redirectLemonSqueezy (in-process),
// the browser tests' server with LEMONSQUEEZY_API_URL (src/billing/api-origin.ts). Every request is recorded.

const API_ORIGIN = 'https://api.lemonsqueezy.com';

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
 * `subscriptions` are what GET and DELETE /v1/subscriptions/:id find (others are 404 with JSON:API errors).
 * `localCheckout`: checkout URLs point at this server, which answers them with a small stand-in page
 * (a browser test cannot reach showrunner.lemonsqueezy.com); otherwise they look like LemonSqueezy's.
 */
export async function lemonSqueezyApi(
  apiKey: string,
  subscriptions: Record<string, { customerPortal: string }> = {},
  options: { localCheckout?: boolean } = {},
) {
  const requests: Recorded[] = [];
  let origin = '';
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
    if (req.method === 'GET' && options.localCheckout && path.startsWith('/checkout/custom/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta name="viewport" content="width=device-width"><title>Checkout</title>' +
          '<body style="font-family:sans-serif;margin:0;padding:24px"><h1 style="font-size:22px">Showrunner Pro</h1>' +
          "<p>Local stand-in for LemonSqueezy's checkout page.</p><button>Pay</button></body>",
      );
      return;
    }
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
            url: options.localCheckout
              ? `${origin}/checkout/custom/${id}?signature=fixture`
              : `https://showrunner.lemonsqueezy.com/checkout/custom/${id}?signature=fixture`,
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
    if (req.method === 'DELETE' && sub) {
      // Cancelling answers the subscription, now cancelled: it ends at the period's end.
      if (!subscriptions[sub[1]!]) return error(404, 'Not Found', 'The requested resource could not be found.');
      return send(200, {
        jsonapi: { version: '1.0' },
        data: { type: 'subscriptions', id: sub[1], attributes: { status: 'cancelled', cancelled: true } },
      });
    }
    return error(404, 'Not Found', `No route ${req.method} ${path}.`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    subscriptions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
