import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ShowrunnerError } from '@showrunner/core';
import { repairMessages } from './prompt.js';
import { complete, type Message, type Session } from './request.js';
import type { Checked } from './validate.js';

/**
 * Ask for a plan, check the reply, and on invalid output run one repair round that quotes the
 * issues back to the model (starting with the model that answered). When the repaired reply is
 * still invalid, both replies and their issues go to `<ctx.dir>/<rawFile>` and SR_PLAN_INVALID
 * names that file. Called once per `run` or `planStep`; its requests run serially.
 */
export async function converse<T>(
  session: Session,
  messages: Message[],
  check: (text: string) => Checked<T>,
  rawFile: string,
): Promise<T> {
  const { ctx, options } = session;
  const models = [options.model, ...options.fallbackModels];
  const replies: { model: string; content: string; issues: string[] }[] = [];

  let reply = await complete(session, messages);
  for (let round = 0; ; round++) {
    const checked = check(reply.content);
    if (checked.ok) return checked.value;
    replies.push({ model: models[reply.modelIndex]!, content: reply.content, issues: checked.issues });
    ctx.log.warn(
      `The reply of ${models[reply.modelIndex]} is invalid (${checked.issues.length} issue(s): ${checked.issues[0]})` +
        (round === 0 ? '; asking once for a repair' : ''),
    );
    if (round > 0) break;
    reply = await complete(session, repairMessages(messages, reply.content, checked.issues), reply.modelIndex);
  }

  await mkdir(ctx.dir, { recursive: true });
  const file = path.join(ctx.dir, rawFile);
  const text = replies
    .map(
      (r, i) =>
        `=== reply ${i + 1} of ${replies.length} (${r.model}), issues:\n${r.issues.map((s) => `- ${s}`).join('\n')}\n\n${r.content}\n`,
    )
    .join('\n');
  await writeFile(file, text);
  const saved = await ctx.artifact(file, 'raw-plan');
  const last = replies.at(-1)!;
  throw new ShowrunnerError(
    'SR_PLAN_INVALID',
    `The model's plan is still invalid after one repair round:\n${last.issues.map((s) => `  - ${s}`).join('\n')}`,
    {
      stage: 'parse',
      file: saved,
      field: /^([\w.[\]]+):/.exec(last.issues[0] ?? '')?.[1],
      hint: `The raw replies are in ${saved}. Try again, try a stronger model (or add fallbackModels), or write the steps yourself as a script.`,
    },
  );
}
