// ariaSnapshot feeds the planner's prompt, which goes to a remote model: field contents that are
// secret must be masked, while everything else (roles, names, ordinary values) stays readable.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ariaSnapshot, SENSITIVE_ATTR } from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Account</title></head><body>
<h1>Account</h1>
<label>Name <input value="Ada Lovelace"></label>
<label>Password <input type="password" value="Quartz-Zebra-7731!"></label>
<label>API token <input ${SENSITIVE_ATTR} value="tok_live_4242"></label>
<p ${SENSITIVE_ATTR}>Recovery code: 9911-ALPHA</p>
<button>Save</button></body></html>`;

let server: ReturnType<typeof createServer>;
let url: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((done) => server.close(done)));

describe('ariaSnapshot', () => {
  it('masks password and sensitive field contents, keeps roles, names and ordinary values', async () => {
    const yaml = await ariaSnapshot(url);
    expect(yaml).toContain('heading "Account"');
    expect(yaml).toContain('button "Save"');
    expect(yaml).toContain('Ada Lovelace');
    for (const secret of ['Quartz-Zebra-7731!', 'tok_live_4242', '9911-ALPHA']) expect(yaml).not.toContain(secret);
    expect(yaml).toContain('••••••');
  });

  it('caps the size after masking, and says where it cut', async () => {
    const yaml = await ariaSnapshot(url, { maxChars: 40 });
    expect(yaml).toMatch(/^[\s\S]{40}\n# … cut at 40 characters$/);
  });
});
