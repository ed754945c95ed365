import { RunStatusSchema } from '@showrunner/core';
import { expect, it } from 'vitest';
import { RUN_STATUSES } from '../src/pipeline/types';

// Browser code reads run statuses from RUN_STATUSES (it cannot load core); they must stay core's.
it("lists exactly core's run statuses", () => {
  expect([...RUN_STATUSES]).toEqual(RunStatusSchema.options);
});
