// Regenerates schema/demo.schema.json from the zod schemas (run `npm run schema` at the root).
import { writeFileSync } from 'node:fs';
import { demoJsonSchema } from '../dist/index.js';

const file = new URL('../schema/demo.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(demoJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
