import { type RunPolicy, ShowrunnerError, type Step } from '@showrunner/core';
import { PLUGIN_NAME } from './options.js';

/** What masked text shows instead of a secret. */
export const MASK = '••••••';

/**
 * The secret values of one run: asked of the run's policy (`ctx.policy.secret`, never this
 * process's environment directly) before the browser starts, and scrubbed from every message,
 * snapshot and error the recorder hands out. Owned by the recorder (one per run), used serially;
 * the values live only in memory.
 */
export class Secrets {
  private readonly byName = new Map<string, string>();
  private readonly values = new Set<string>();

  /**
   * Look up every `{ env }` value of these steps, so a refused or missing one fails before the
   * browser starts (or before replacement steps run). Throws SR_SECRET_REFUSED or
   * SR_SECRET_MISSING (from the policy) naming the step, its field and the secret.
   */
  async load(steps: readonly Step[], policy: RunPolicy, offset = 0): Promise<void> {
    for (const [i, step] of steps.entries()) {
      const { value } = step;
      if (value === undefined || typeof value === 'string') continue;
      if (this.byName.has(value.env)) continue;
      const index = i + offset;
      let secret: string;
      try {
        secret = await policy.secret(value.env);
      } catch (err) {
        const cause = err instanceof ShowrunnerError ? err : undefined;
        throw new ShowrunnerError(
          cause?.code ?? 'SR_SECRET_MISSING',
          `Step ${index + 1} ("${step.id}"): ${cause ? cause.message : `the secret ${value.env} could not be read (${String((err as Error)?.message ?? err)}).`}`,
          {
            stage: 'record',
            plugin: PLUGIN_NAME,
            step: { index, id: step.id },
            field: `steps.${index}.value`,
            hint: cause?.hint,
            cause: err,
          },
        );
      }
      this.byName.set(value.env, secret);
      this.add(secret);
    }
  }

  /** True when the step types a secret (`{ env }`): its field is treated as sensitive whatever the step says. */
  static isSecret(step: Step): boolean {
    return typeof step.value === 'object' && step.value !== null;
  }

  /** The text a step types: its literal value, or the secret loaded for it. */
  value(step: Step): string | undefined {
    const { value } = step;
    if (value === undefined || typeof value === 'string') {
      if (value !== undefined && step.sensitive) this.add(value);
      return value;
    }
    const secret = this.byName.get(value.env);
    if (secret === undefined) {
      // load() runs before every step that could get here; reaching this is a recorder bug.
      throw new ShowrunnerError('SR_SECRET_MISSING', `The secret ${value.env} was not looked up before step "${step.id}".`, {
        stage: 'record',
        plugin: PLUGIN_NAME,
      });
    }
    return secret;
  }

  /** Every known secret value (short ones too), for masking fields that hold one. */
  list(): string[] {
    return [...this.values];
  }

  /** Remember a value to mask (e.g. a password field's content read from the page). */
  add(value: string): void {
    if (value) this.values.add(value);
  }

  /**
   * The text with every known secret of 3 or more characters replaced by a mask, as typed and as
   * JSON/YAML escape it. Shorter values would mangle ordinary words; fields holding them are masked
   * on the page instead (see mask.ts).
   */
  redact(text: string): string {
    let out = text;
    const forms = new Set<string>();
    for (const v of this.values) {
      if (v.length < 3) continue;
      forms.add(v);
      forms.add(JSON.stringify(v).slice(1, -1));
    }
    // Longest first, so a secret that contains another is masked whole.
    for (const v of [...forms].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
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
