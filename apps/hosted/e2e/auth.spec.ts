import { expect, test, userId } from './fixtures';

// Signing in and out as the API and the pages see it: Clerk configured as in production, sessions
// signed by the test's own key and verified offline through CLERK_JWT_KEY.

const SOME_ID = '00000000-0000-4000-8000-000000000000';
const SIGNED_IN_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/demos'],
  ['POST', '/api/demos', { url: 'https://example.com', description: 'x' }],
  ['GET', `/api/demos/${SOME_ID}`],
  ['DELETE', `/api/demos/${SOME_ID}`],
  ['PUT', `/api/demos/${SOME_ID}/steps`, { steps: [] }],
  ['POST', `/api/demos/${SOME_ID}/steps/plan`, { index: 0, sentence: 'Click "Save"' }],
  ['POST', `/api/demos/${SOME_ID}/confirm`],
  ['POST', `/api/demos/${SOME_ID}/decision`, { choice: 'skip' }],
  ['POST', `/api/demos/${SOME_ID}/cancel`],
  ['GET', `/api/demos/${SOME_ID}/events`],
  ['GET', `/api/demos/${SOME_ID}/files/video`],
  ['POST', `/api/demos/${SOME_ID}/shares`],
  ['DELETE', `/api/demos/${SOME_ID}/shares/${'a'.repeat(43)}`],
];

test('signed out, every API route answers 401 JSON with SR_UNAUTHORIZED, never a redirect', async ({ apiAs }) => {
  const api = await apiAs();
  for (const [method, path, body] of SIGNED_IN_ROUTES) {
    const res = await api(method, path, body);
    expect(res.status, `${method} ${path}`).toBe(401);
    expect(res.headers['content-type'], `${method} ${path}`).toContain('application/json');
    expect(res.json.error.code, `${method} ${path}`).toBe('SR_UNAUTHORIZED');
  }
});

test('a token signed with another key is signed out (401), not an error', async ({ apiAs, baseURL }) => {
  const { clerkKeys, sessionToken } = await import('./harness/clerk');
  const forged = await sessionToken(clerkKeys().privatePem, userId('forger'), baseURL!);
  const api = await apiAs();
  const res = await api('GET', '/api/demos', undefined, { authorization: `Bearer ${forged}` });
  expect(res.status).toBe(401);
  expect(res.json.error.code).toBe('SR_UNAUTHORIZED');
});

test('signed in, the dashboard renders with credits, the form and the empty state', async ({ page, signIn }) => {
  await signIn(userId('dash'));
  const res = await page.goto('/dashboard');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Your demos' })).toBeVisible();
  await expect(page.getByTestId('credits')).toHaveText('3 credits left');
  await expect(page.getByTestId('demos-empty')).toBeVisible();
  await expect(page.getByLabel('Web address')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByTestId('dev-banner')).toHaveCount(0);
});

test('signed out, the dashboard sends the browser to the sign-in page', async ({ page }) => {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('bad input is a 400 naming the field', async ({ apiAs }) => {
  const api = await apiAs(userId('input'));
  const res = await api('POST', '/api/demos', { url: 'https://example.com', description: '' });
  expect(res.status).toBe(400);
  expect(res.json.error).toMatchObject({ code: 'SR_BAD_REQUEST', field: 'description' });
  const notJson = await api('POST', '/api/demos', undefined, { 'content-type': 'application/json' });
  expect(notJson.status).toBe(400);
});

test('the queue view is only for ADMIN_USER_IDS: 404 for other users and signed out', async ({ apiAs }) => {
  const anonymous = await apiAs();
  expect((await anonymous('GET', '/admin/queues')).status).toBe(404);
  const someone = await apiAs(userId('notadmin'));
  expect((await someone('GET', '/admin/queues')).status).toBe(404);
  expect((await someone('GET', '/admin/queues/api/queues')).status).toBe(404);
  const admin = await apiAs(process.env.E2E_ADMIN_USER);
  const page = await admin('GET', '/admin/queues', undefined, { accept: 'text/html' });
  expect(page.status).toBe(200);
  const queues = await admin('GET', '/admin/queues/api/queues?activeQueue=record&page=1&jobsPerPage=10');
  expect(queues.status).toBe(200);
  expect(queues.json.queues.map((q: { name: string }) => q.name).sort()).toEqual(['merge', 'parse', 'record', 'storage', 'tts']);
});
