import { completion, modelServer } from '../../../packages/plugin-openrouter/test/model-server';
import { expect, test, userId } from './fixtures';
import { type Deployment, deploymentEnv, startDeployment } from './harness/deployment';
import { expectPlayable } from './harness/player';
import { deleteKeys } from './harness/stack';

// The hosted pipeline with its language-model planner: a second web server and workers of the same
// build, with OPENROUTER_API_KEY set and OPENROUTER_BASE_URL pointing at the local OpenAI-compatible
// test server (the fixture of plugin-openrouter's tests). The plan, the re-plan of one card and the
// recording all go through the real openrouter plugin over HTTP; the server answers by schema name.

const nulls = { role: null, name: null, label: null, placeholder: null, text: null, css: null };
const PLAN = {
  title: 'Signing in to Orbit',
  steps: [
    {
      action: 'fill',
      target: { ...nulls, label: 'Email' },
      value: 'ada@example.com',
      narration: 'The model starts with the email.',
    },
    { action: 'fill', target: { ...nulls, label: 'Password' }, value: 'orbit-demo-password', narration: 'Then the password.' },
    {
      action: 'hover',
      target: { ...nulls, role: 'button', name: 'Sign in' },
      value: null,
      narration: 'It points at the button.',
    },
  ],
};
const REPLACEMENT = {
  steps: [
    {
      action: 'click',
      target: { ...nulls, role: 'button', name: 'Sign in' },
      value: null,
      narration: 'Now sign in, re-planned by the model.',
    },
  ],
};

test.describe('with the language-model planner', () => {
  let model: Awaited<ReturnType<typeof modelServer>>;
  let app: Deployment | undefined;
  const prefix = `${deploymentEnv().SHOWRUNNER_QUEUE_PREFIX}-llm`;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    model = await modelServer((request) => {
      const schema = request.body.response_format?.json_schema?.name;
      return completion(schema === 'replacement_steps' ? REPLACEMENT : PLAN);
    });
    app = await startDeployment(
      deploymentEnv({
        SHOWRUNNER_QUEUE_PREFIX: prefix,
        OPENROUTER_API_KEY: 'sk-or-e2e-offline',
        OPENROUTER_BASE_URL: model.baseURL,
        OPENROUTER_MODEL: 'e2e/fixture-model',
      }),
      'planner',
    );
  });

  test.afterAll(async () => {
    await app?.stop();
    await model?.close();
    await deleteKeys(prefix);
  });

  test('the model plans the cards, re-plans one, and the video speaks its narration', async ({ page, signIn, exampleUrl }) => {
    test.setTimeout(420_000);
    await signIn(userId('planner'));
    await page.goto(`${app!.baseUrl}/dashboard`);
    await page.getByLabel('Web address').fill(exampleUrl);
    await page.getByLabel('What should the video show?').fill('Show how Ada signs in to Orbit.');
    await page.getByRole('button', { name: 'Create demo' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signing in to Orbit');
    const cards = page.getByTestId('step-card');
    await expect(cards).toHaveCount(3);
    await expect(cards.nth(0).getByLabel('Narration')).toHaveValue('The model starts with the email.');

    const plan = model.requests.find((r) => r.body.response_format?.json_schema?.name === 'demo_plan');
    expect(plan?.headers.authorization).toBe('Bearer sk-or-e2e-offline');
    expect(plan?.body.model).toBe('e2e/fixture-model');
    expect(plan?.body.messages.map((m) => m.content).join('\n')).toContain('Show how Ada signs in to Orbit.');

    await cards.nth(2).getByRole('button', { name: 'Re-plan from a sentence' }).click();
    await cards.nth(2).getByLabel('Describe this step in a sentence').fill('Press the sign in button instead');
    await cards.nth(2).getByRole('button', { name: 'Re-plan' }).click();
    await expect(cards.nth(2).getByLabel('Narration')).toHaveValue('Now sign in, re-planned by the model.');
    const replan = model.requests.find((r) => r.body.response_format?.json_schema?.name === 'replacement_steps');
    expect(replan?.body.messages.map((m) => m.content).join('\n')).toContain('Press the sign in button instead');

    await page.getByRole('button', { name: 'Confirm and record' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
    await expectPlayable(page, ['The model starts with the email.', 'Now sign in, re-planned by the model.']);
  });
});
