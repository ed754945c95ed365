/**
 * @showrunner/plugin-openrouter: the parse stage. Turns a start URL and a plain-language
 * description into narrated demo steps with a language model behind any OpenAI-compatible API
 * (OpenRouter by default), looking at the real page first so steps name real elements.
 */
import { definePlugin, type ParsePlugin, parseDemo, type StageContext } from '@showrunner/core';
import { createClient, resolveApiKey } from './client.js';
import { jsonSchema, PlanOut, StepsOut } from './format.js';
import { type OpenRouterOptions, PLUGIN_NAME, resolveOptions } from './options.js';
import { converse } from './planner.js';
import { fenceTag, planMessages, stepMessages } from './prompt.js';
import type { Session } from './request.js';
import { offSiteLinks, redactLinks, redactPageUrl } from './site.js';
import { pageSnapshot } from './snapshot.js';
import { checkPlan, checkSteps } from './validate.js';

export { DEFAULT_MODEL, MAX_TOKENS_CAP, OPENROUTER_BASE_URL, type OpenRouterOptions, type SnapshotFn } from './options.js';

/** Most replacement steps single-step mode returns for one failed step. */
const MAX_REPLACEMENT_STEPS = 5;

/**
 * The parse plugin factory, called once when `showrunner.config.ts` loads. Options are validated
 * here, so a bad one fails the config load (SR_CONFIG_INVALID); the API key is checked when a run
 * plans, before any request. Core calls `run` once per parse attempt; the CLI or hosted app calls
 * `planStep` while the recorder waits on a failed step. Each call makes its requests serially.
 */
export default function openrouter(options: OpenRouterOptions = {}): ParsePlugin {
  const resolved = resolveOptions(options);
  // Models that rejected `response_format`, remembered for the life of the plugin (one config load).
  const noSchema = new Set<string>();

  async function session(ctx: StageContext, apiKey: string, schema: Session['schema']): Promise<Session> {
    return { client: await createClient(resolved, apiKey), options: resolved, ctx, schema, noSchema };
  }

  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'parse',

    async run({ url, description, language }, ctx) {
      const apiKey = resolveApiKey(resolved); // before the snapshot: a missing key fails in milliseconds
      const snapshot = await pageSnapshot(url, resolved, ctx);
      const schema = jsonSchema(PlanOut, 'demo_plan');
      const messages = planMessages({
        url,
        description,
        snapshot,
        schema: schema.schema,
        maxSteps: resolved.maxSteps,
        tag: fenceTag(),
        language,
      });
      const rules = {
        startUrl: url,
        id: (i: number) => `s${i + 1}`,
        maxSteps: resolved.maxSteps,
        offSite: offSiteLinks(snapshot, url),
        language,
      };
      const plan = await converse(
        await session(ctx, apiKey, schema),
        messages,
        (text) => checkPlan(text, rules),
        'plan-invalid.txt',
      );
      ctx.log.info(`Planned "${plan.title}": ${plan.steps.length} steps`);
      return {
        demo: parseDemo({ url, title: plan.title, description, language, steps: plan.steps }, `plan from ${PLUGIN_NAME}`),
      };
    },

    async planStep({ demo, index, instruction, pageUrl, snapshot }, ctx) {
      const apiKey = resolveApiKey(resolved);
      const base = demo.steps[index]?.id ?? `s${index + 1}`;
      const schema = jsonSchema(StepsOut, 'replacement_steps');
      const capped =
        snapshot &&
        redactLinks(snapshot.length > resolved.snapshotMaxChars ? snapshot.slice(0, resolved.snapshotMaxChars) : snapshot);
      const messages = stepMessages({
        demo,
        index,
        instruction,
        pageUrl: pageUrl && redactPageUrl(pageUrl), // the page's URL may carry its tokens; the origin is enough
        snapshot: capped,
        schema: schema.schema,
        tag: fenceTag(),
      });
      // The site is the demo's origin; a demo given as a path gets it from the page the recorder is on.
      const site = /^https?:\/\//i.test(demo.url) || !pageUrl ? demo.url : pageUrl;
      const rules = {
        startUrl: site,
        id: (i: number) => `${base}.${i + 1}`,
        maxSteps: MAX_REPLACEMENT_STEPS,
        offSite: offSiteLinks(capped, site),
        language: demo.language,
      };
      const file = `plan-step-${base.replace(/[^\w.-]/g, '_')}-invalid.txt`;
      return converse(await session(ctx, apiKey, schema), messages, (text) => checkSteps(text, rules), file);
    },
  });
}
