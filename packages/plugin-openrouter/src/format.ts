import { StepSchema, TargetSchema } from '@showrunner/core';
import * as z from 'zod';

/**
 * The shape the model must answer in: a simpler, model-facing view of core's Step. Every field is
 * required and optional ones are nullable, as strict structured output (OpenAI, OpenRouter) needs.
 * It has no `id`, `resolved`, `sensitive` or env-secret `value`: ids are assigned here, and a
 * model (steered by page text) must never pick which environment variable gets typed into a page.
 * Descriptions come from core's schema so the two cannot drift apart. The result is always
 * validated again with core's own schemas.
 */
const TARGET_KEYS = ['role', 'name', 'label', 'placeholder', 'text', 'css'] as const;

const nullable = (description: string | undefined) =>
  z
    .string()
    .nullable()
    .describe(description ?? '');

const TargetOut = z
  .strictObject(
    Object.fromEntries(TARGET_KEYS.map((k) => [k, nullable(TargetSchema.shape[k].description)])) as {
      [K in (typeof TARGET_KEYS)[number]]: z.ZodNullable<z.ZodString>;
    },
  )
  .describe('The element the step acts on: role + name from the page snapshot when it lists the element.');

const StepOut = z.strictObject({
  action: StepSchema.shape.action,
  target: TargetOut.nullable().describe('Null for goto, press, scroll and wait.'),
  value: nullable(StepSchema.shape.value.description),
  narration: z.string().describe('One or two short sentences spoken to the viewer while the step happens.'),
});
export type StepOut = z.infer<typeof StepOut>;

/** A whole plan: what `run` asks for. */
export const PlanOut = z.strictObject({
  title: z.string().describe('A short title for the demo video.'),
  steps: z.array(StepOut).describe('The steps, in order.'),
});

/** Replacement steps: what `planStep` asks for. */
export const StepsOut = z.strictObject({
  steps: z.array(StepOut).describe('The steps that replace the failed one, in order.'),
});

/** JSON Schema of a model-facing schema, for `response_format` and the prompt. */
export function jsonSchema(schema: z.ZodType, name: string): { name: string; schema: Record<string, unknown> } {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  return { name, schema: rest };
}

/** A model-facing step as core step input: nulls dropped, id assigned. Core's schema validates it next. */
export function toStepInput(step: StepOut, id: string): Record<string, unknown> {
  const target = step.target
    ? Object.fromEntries(Object.entries(step.target).filter(([, v]) => v !== null && v.trim() !== ''))
    : undefined;
  return {
    id,
    action: step.action,
    ...(target && Object.keys(target).length ? { target } : {}),
    ...(step.value !== null ? { value: step.value } : {}),
    narration: step.narration.trim(),
  };
}
