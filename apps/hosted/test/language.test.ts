// A demo in another language, through the service the new-demo form calls (real Postgres and Redis,
// no workers): the tag is checked as core checks it, the run is queued asking for that language, and a
// Chinese script's 标题 line names the demo until the plan does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstTitle } from '../src/pipeline/demo-service';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { hostedTestEnv } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
const A = 'user_lang';
beforeAll(async () => {
  t = await hostedTestEnv();
  await service.ensureUser(A);
});
afterAll(async () => {
  await t?.stop();
});

describe('narration language in the hosted app', () => {
  it('queues the run asking for the language, and titles a Chinese script by its 标题 line', async () => {
    const view = await service.createDemo(A, {
      url: 'https://app.example.com/',
      description: '标题：登录演示\n打开 /login\n点击 "登录" —— 登录你的账户。',
      language: 'zh-Hans',
    });
    expect(view.language).toBe('zh-Hans');
    expect(view.title).toBe('登录演示');
    expect((await queue().read(view.id)).state.request?.language).toBe('zh-Hans');
  });

  it('refuses a tag core would refuse, naming the field', async () => {
    const err = await service
      .createDemo(A, { url: 'https://app.example.com/', description: 'go to /', language: 'zh CN' })
      .catch((e) => e);
    expect(err.code).toBe('SR_BAD_REQUEST');
    expect(err.field).toBe('language');
  });

  it('takes the first line when there is no title line', () => {
    expect(firstTitle('Title: Invite a teammate\ngo to /team')).toBe('Invite a teammate');
    expect(firstTitle('\n点击 "登录"\n')).toBe('点击 "登录"');
  });
});
