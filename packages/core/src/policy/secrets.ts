import { ShowrunnerError } from '../errors.js';

/**
 * Looks up a secret a step types (`{ "env": "NAME" }` in a demo). Called by the recorder before the
 * browser starts, once per secret-valued step, serially; undefined when it has no such secret. The
 * hosted app passes one per user (a vault); the CLI reads the process environment.
 */
export type SecretResolver = (name: string) => string | undefined | Promise<string | undefined>;

/** What a config or a run gives as `secrets`: names of environment variables a demo may read, or a resolver. */
export type SecretsOption = readonly string[] | SecretResolver;

/**
 * The run's secret lookup. Trusted runs read the process environment (all of it unless `option` is an
 * allow-list); untrusted runs read only what an allow-list or a resolver gives them, never the
 * worker's own environment. Throws SR_SECRET_REFUSED (the same message whether or not the variable
 * exists) or SR_SECRET_MISSING.
 */
export function secretLookup(trusted: boolean, option: SecretsOption | undefined): (name: string) => Promise<string> {
  return async (name) => {
    let value: string | undefined;
    if (typeof option === 'function') value = await option(name);
    else if (option ? option.includes(name) : trusted) value = process.env[name];
    else {
      throw new ShowrunnerError('SR_SECRET_REFUSED', `This run may not read the secret ${name}.`, {
        field: 'value.env',
        hint: trusted
          ? `Add "${name}" to \`secrets\` in the config.`
          : 'Untrusted runs read secrets only from the allow-list or vault the host gives them.',
      });
    }
    if (value === undefined || value === '') {
      throw new ShowrunnerError('SR_SECRET_MISSING', `The secret ${name} is not set.`, {
        field: 'value.env',
        hint:
          typeof option === 'function'
            ? `Add ${name} to the secrets of this account.`
            : `Set it in the environment before recording, e.g. \`${name}=... npx showrunner record\`.`,
      });
    }
    return value;
  };
}
