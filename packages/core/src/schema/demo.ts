import * as z from 'zod';
import { LIMITS, overLimit } from '../policy/limits.js';
import { SAFE_ID, SAFE_ID_RULE } from '../policy/paths.js';

/** The nine browser actions a step can perform. */
export const ACTIONS = ['goto', 'click', 'fill', 'press', 'hover', 'select', 'check', 'scroll', 'wait'] as const;
export type Action = (typeof ACTIONS)[number];

const text = (about: string) => z.string().min(1).max(LIMITS.targetChars, overLimit('targetChars')).optional().describe(about);

/** A step id: it names files (`<id>.wav`), so only safe characters and never `..`. */
const StepId = z
  .string()
  .min(1)
  .max(LIMITS.stepIdChars, overLimit('stepIdChars'))
  .regex(SAFE_ID, `a step id uses ${SAFE_ID_RULE}`)
  .refine((id) => !id.includes('..'), 'a step id may not contain ".."');

/** Refusal messages start with this, so parseDemo can report them as SR_URL_REFUSED. */
export const URL_REFUSED = 'only http: and https: URLs (or paths) may be opened';

/**
 * A start URL or `goto` value: an http(s) URL or a path on the app (`/login`, `login`, `?tab=2`).
 * Any other scheme — file:, data:, javascript:, chrome:, view-source:, about: — is refused.
 */
export const WebUrlSchema = z
  .string()
  .min(1)
  .max(LIMITS.urlChars, overLimit('urlChars'))
  .refine((value) => {
    // Judge the scheme the way a browser will: WHATWG parsing drops tabs and newlines inside a URL and
    // trims control characters, so `java\nscript:` and `\0file:` are javascript: and file: URLs.
    if (/[\u0000-\u001f\u007f]/.test(value)) return false;
    try {
      const { protocol } = new URL(value, 'http://relative.invalid/');
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, `${URL_REFUSED}; write http://host:port/... for a local app`);

/**
 * How a step finds its element, semantic first and CSS last. The recorder tries, in order: the
 * step's `resolved` selector, role+name, label, placeholder, text, testId, css. A lone `name`,
 * `label` or `text` is also tried as the other two, so hand-written targets stay short.
 */
export const TargetSchema = z
  .strictObject({
    role: text('ARIA role, e.g. "button" or "link"; combined with name.'),
    name: text('Accessible name, e.g. the button caption "Sign up".'),
    text: text('Visible text of the element.'),
    label: text('Label of a form field.'),
    placeholder: text('Placeholder of an input.'),
    testId: text('data-testid attribute.'),
    css: text('CSS selector: the last resort, breaks when markup changes.'),
  })
  .refine((t) => Object.values(t).some((v) => v !== undefined), {
    message: 'a target needs at least one of role, name, text, label, placeholder, testId, css',
  })
  .describe('Which element the step acts on.');
export type Target = z.infer<typeof TargetSchema>;

/** A value read from an environment variable when the step runs, so the secret never lands in files. */
export const SecretSchema = z
  .strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') })
  .describe('Read the value from this environment variable at record time.');
export type Secret = z.infer<typeof SecretSchema>;

const stepFields = {
  action: z.enum(ACTIONS).describe('What the browser does.'),
  target: TargetSchema.optional(),
  value: z
    .union([z.string().max(LIMITS.valueChars, overLimit('valueChars')), SecretSchema])
    .optional()
    .describe(
      'goto: URL or path. fill: text. press: key such as "Enter" or "Control+K". select: option label. ' +
        'check: "false" unchecks. scroll: "down", "up", "top", "bottom" or pixels. wait: milliseconds.',
    ),
  narration: z
    .string()
    .max(LIMITS.narrationChars, overLimit('narrationChars'))
    .optional()
    .describe('One or two sentences spoken while the step is on screen.'),
  title: z.string().min(1).max(LIMITS.titleChars, overLimit('titleChars')).optional().describe('Short label used for chapters.'),
  sensitive: z.boolean().optional().describe('Blur the target in every captured frame.'),
  resolved: z
    .string()
    .min(1)
    .max(LIMITS.targetChars, overLimit('targetChars'))
    .optional()
    .describe('Selector that worked last time; written by the recorder.'),
};

const NEEDS: Record<Action, { target?: true; value?: true }> = {
  goto: { value: true },
  click: { target: true },
  fill: { target: true, value: true },
  press: { value: true },
  hover: { target: true },
  select: { target: true, value: true },
  check: { target: true },
  scroll: {},
  wait: {},
};

/** Per-action required fields; issues carry the field name so errors can say `steps.3.value`. */
function checkActionFields(step: { action: Action; target?: unknown; value?: unknown }, ctx: z.RefinementCtx): void {
  const need = NEEDS[step.action];
  if (need.target && step.target === undefined) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: `a "${step.action}" step needs a target` });
  }
  if (need.value && step.value === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `a "${step.action}" step needs a value` });
  }
  if (typeof step.value === 'object' && step.action !== 'fill') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'only a "fill" step may read its value from env' });
  }
  if (step.action === 'wait' && step.value === undefined && step.target === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'a "wait" step needs milliseconds or a target' });
  }
  if (step.action === 'wait' && typeof step.value === 'string' && !/^\d+$/.test(step.value)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'a "wait" value is a whole number of milliseconds' });
  } else if (step.action === 'wait' && typeof step.value === 'string' && Number(step.value) > LIMITS.waitMs) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `${step.value} ms is ${overLimit('waitMs', ' ms')}` });
  }
  if (step.action === 'goto' && typeof step.value === 'string') {
    const url = WebUrlSchema.safeParse(step.value);
    if (!url.success) ctx.addIssue({ code: 'custom', path: ['value'], message: url.error.issues[0]!.message });
  }
}

/** One browser action with its narration line: produced by parse, edited in review, performed by record. */
export const StepSchema = z
  .strictObject({ id: StepId.describe('Stable across edits.'), ...stepFields })
  .superRefine(checkActionFields);
export type Step = z.infer<typeof StepSchema>;

/** A step as written by hand: `id` may be left out and is then assigned from its position. */
export const StepInputSchema = z
  .strictObject({ id: StepId.optional().describe('Stable across edits; defaults to s<position>.'), ...stepFields })
  .superRefine(checkActionFields);
export type StepInput = z.input<typeof StepInputSchema>;

export const ViewportSchema = z.strictObject({
  width: z.number().int().min(200).max(3840),
  height: z.number().int().min(200).max(2160),
});
export type Viewport = z.infer<typeof ViewportSchema>;

/**
 * A BCP 47 language tag as the narration's language: a 2–3 letter primary language, then optional
 * script/region/variant subtags (`zh`, `zh-Hans`, `pt-BR`, `ar`). Read by parse (the planner writes
 * narration in it), tts (the voice), and merge (caption line breaking, direction, font, soft-caption tag).
 */
export const LanguageSchema = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as "en", "zh" or "pt-BR"');

/** A demo: data that can be written by hand, planned by parse, reviewed, and committed next to the product. */
export const DemoSchema = z.strictObject({
  $schema: z.string().optional(),
  url: WebUrlSchema.describe('Start page: an absolute http(s) URL, or a path resolved against the base URL.'),
  title: z.string().min(1).max(LIMITS.titleChars, overLimit('titleChars')).optional(),
  description: z.string().max(LIMITS.descriptionChars, overLimit('descriptionChars')).optional(),
  viewport: ViewportSchema.optional(),
  language: LanguageSchema.optional().describe(
    'Language of the narration and captions (BCP 47, e.g. "zh", "es", "pt-BR"); default "en".',
  ),
  voice: z.string().min(1).optional().describe('Voice for every step; overrides the tts plugin default.'),
  steps: z
    .array(StepInputSchema)
    .min(1, 'a demo needs at least one step')
    .max(LIMITS.steps, overLimit('steps'))
    .transform((steps, ctx): Step[] => {
      const given = new Set<string>();
      for (const [i, { id }] of steps.entries()) {
        if (id && given.has(id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate step id "${id}"` });
        if (id) given.add(id);
      }
      return steps.map((step, i) => {
        if (step.id) return { ...step, id: step.id };
        let id = `s${i + 1}`;
        for (let n = 2; given.has(id); n++) id = `s${i + 1}-${n}`;
        given.add(id);
        return { ...step, id };
      });
    }),
});
export type Demo = z.output<typeof DemoSchema>;
export type DemoInput = z.input<typeof DemoSchema>;
