import { expect, test, userId } from './fixtures';

// Another user's demo is a 404 everywhere: every API route and the demo page answer exactly what they
// answer for a demo that does not exist, whatever the method.

test("another user gets 404 on every page and API route of the first user's demo", async ({
  apiAs,
  page,
  signIn,
  exampleUrl,
}) => {
  const owner = await apiAs(userId('owner'));
  const created = await owner('POST', '/api/demos', { url: exampleUrl, description: 'Click the "Sign in" button' });
  expect(created.status).toBe(201);
  const id: string = created.json.id;
  expect((await owner('GET', `/api/demos/${id}`)).status).toBe(200);

  const strangerId = userId('stranger');
  const stranger = await apiAs(strangerId);
  const matrix: [string, string, unknown?][] = [
    ['GET', `/api/demos/${id}`],
    ['DELETE', `/api/demos/${id}`],
    ['PUT', `/api/demos/${id}/steps`, { steps: [{ id: 's1', action: 'click', target: { name: 'Sign in' } }] }],
    ['POST', `/api/demos/${id}/steps/plan`, { index: 0, sentence: 'Click the "Sign in" button' }],
    ['POST', `/api/demos/${id}/confirm`],
    ['POST', `/api/demos/${id}/decision`, { choice: 'skip' }],
    ['POST', `/api/demos/${id}/decision`, { choice: 'describe', text: 'Click "Sign in"' }],
    ['POST', `/api/demos/${id}/cancel`],
    ['GET', `/api/demos/${id}/events`],
    ['GET', `/api/demos/${id}/files/video`],
    ['GET', `/api/demos/${id}/files/poster`],
    ['GET', `/api/demos/${id}/files/captions`],
    ['GET', `/api/demos/${id}/files/chapters`],
    ['GET', `/api/demos/${id}/files/failure`],
    ['POST', `/api/demos/${id}/shares`],
    ['DELETE', `/api/demos/${id}/shares/${'A'.repeat(43)}`],
  ];
  for (const [method, path, body] of matrix) {
    const res = await stranger(method, path, body);
    expect(res.status, `${method} ${path}`).toBe(404);
    expect(res.json?.error?.code, `${method} ${path}`).toBe('SR_NOT_FOUND');
  }
  // The stranger's own list does not show it.
  const list = await stranger('GET', '/api/demos');
  expect(list.json.demos.map((d: { id: string }) => d.id)).not.toContain(id);

  // The page: a real 404 with the not-found screen, nothing of the demo.
  await signIn(strangerId);
  const res = await page.goto(`/demo/${id}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.getByText('Sign in', { exact: false }).filter({ hasText: 'Click' })).toHaveCount(0);

  // And the owner still has it, untouched.
  const after = await owner('GET', `/api/demos/${id}`);
  expect(after.status).toBe(200);
  expect(after.json.status).not.toBe('cancelled');
  await owner('DELETE', `/api/demos/${id}`);
});

test('a malformed or unknown demo id is the same 404', async ({ apiAs, page, signIn }) => {
  const who = userId('unknown');
  const api = await apiAs(who);
  for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
    const res = await api('GET', `/api/demos/${id}`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('SR_NOT_FOUND');
  }
  await signIn(who);
  expect((await page.goto('/demo/00000000-0000-4000-8000-000000000000'))?.status()).toBe(404);
});
