import * as z from 'zod';
import { DemoSchema } from './schema/demo.js';

/** Published address of the demo schema, for `$schema` in demo files. */
export const DEMO_SCHEMA_URL = 'https://unpkg.com/@showrunner/core/schema/demo.schema.json';

/** JSON Schema of a demo file as written by hand (ids optional), generated from the zod schema. */
export function demoJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(DemoSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, $id: DEMO_SCHEMA_URL, title: 'Showrunner demo' };
}
