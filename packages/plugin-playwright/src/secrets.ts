import { ShowrunnerError, type Step } from '@showrunner/core';

const MASK = '••••••';

/**
 * The secret values of one run: read from the environment when a step needs them, and scrubbed
 * from every message, snapshot and error the recorder hands out. Owned by the recorder (one per
 * run); the values live only in memory.
 */
export class Secrets {
  private readonly values = new Set<string>();

  /**
   * Check every `{ env }` value of these steps is set, before the browser starts, so a missing one
   * fails fast. Throws SR_SECRET_MISSING naming the step and the variable.
   */
  check(steps: Step[], offset = 0): void {
    for (const [i, step] of steps.entries()) this.value(step, i + offset);
  }

  /** The text a step types: its literal value, or the environment variable it names. */
  value(step: Step, index: number): string | undefined {
    const { value } = step;
    if (value === undefined || typeof value === 'string') {
      if (value !== undefined && step.sensitive) this.add(value);
      return value;
    }
    const secret = process.env[value.env];
    if (secret === undefined || secret === '') {
      throw new ShowrunnerError('SR_SECRET_MISSING', `Step ${index + 1} ("${step.id}") reads ${value.env}, which is not set.`, {
        stage: 'record',
        step: { index, id: step.id },
        field: `steps.${index}.value`,
        hint: `Set it in the environment before recording, e.g. \`${value.env}=... npx showrunner record\`.`,
      });
    }
    this.add(secret);
    return secret;
  }

  /** Remember a value to scrub (e.g. a password field's content read from the page). */
  add(value: string): void {
    if (value.length >= 3) this.values.add(value);
  }

  /** The text with every known secret replaced by a mask. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
    return out;
  }

  /** Scrub an error's message and stack in place; returns it. */
  redactError<E>(err: E): E {
    if (err instanceof Error && this.values.size) {
      err.message = this.redact(err.message);
      if (err.stack) err.stack = this.redact(err.stack);
    }
    return err;
  }
}
