import { createNetworkGuard, type NetworkGuard } from './network.js';
import { type SecretsOption, secretLookup } from './secrets.js';
import { checkWebUrl, type NavigationPolicy } from './urls.js';

/** How much a run trusts its input. `untrusted` (the hosted app) switches every guard on at once. */
export type Trust = 'trusted' | 'untrusted';

/** What a popup (window.open, target=_blank) does while recording: closed, or opened in the recorded tab. */
export type PopupPolicy = 'close' | 'follow';

/**
 * The guards of one run, built by core from the config and the run's options and handed to every
 * stage as `ctx.policy`. Plugins ask it instead of deciding on their own, so one switch (`trust`)
 * covers every stage. Read-only; safe to use from concurrent stages.
 */
export interface RunPolicy {
  /** False when the run's demo, URL and description come from strangers. */
  readonly trusted: boolean;
  /** Which page navigations the recorder lets through (re-checked on every navigation). */
  readonly navigation: NavigationPolicy;
  /** What the recorder does with popups. */
  readonly popups: PopupPolicy;
  /**
   * Checks every connection the recorder's browser and the planner's snapshot open (untrusted runs);
   * undefined for trusted runs, which may reach local apps freely.
   */
  readonly network?: NetworkGuard;
  /** How long a failed step waits for a person's decision before the `onFail` policy answers (ms). */
  readonly decisionTimeoutMs?: number;
  /** Check a URL the run opens: absolute http(s) only. Throws SR_URL_REFUSED naming `field`. */
  checkUrl(url: string, field?: string): URL;
  /** The value of a secret a step types. Throws SR_SECRET_REFUSED or SR_SECRET_MISSING. */
  secret(name: string): Promise<string>;
}

/** What the config and run options say about guards; every field optional. */
export interface PolicyOptions {
  trust?: Trust;
  /** Addresses an untrusted run may reach although they are private (tests, self-hosting). */
  network?: { allow?: readonly string[] };
  navigation?: NavigationPolicy;
  popups?: PopupPolicy;
  secrets?: SecretsOption;
  decisionTimeoutMs?: number;
}

/** Default wait for a person's decision in untrusted runs (a web page may be closed and never answer). */
export const UNTRUSTED_DECISION_TIMEOUT_MS = 30 * 60_000;

/**
 * Build a run's policy. Trusted runs keep the CLI's conveniences (any navigation, local addresses,
 * the process environment for secrets, no decision deadline); untrusted runs get the network guard,
 * same-site navigation, popups closed, no environment, and a decision deadline. Explicit options win
 * over those defaults, except that nothing turns a guard of an untrusted run off but `network.allow`.
 */
export function createPolicy(options: PolicyOptions = {}): RunPolicy {
  const trusted = (options.trust ?? 'trusted') === 'trusted';
  const lookup = secretLookup(trusted, options.secrets);
  return {
    trusted,
    navigation: options.navigation ?? (trusted ? 'allow' : 'same-site'),
    popups: options.popups ?? 'close',
    network: trusted ? undefined : createNetworkGuard({ allow: options.network?.allow }),
    decisionTimeoutMs: options.decisionTimeoutMs ?? (trusted ? undefined : UNTRUSTED_DECISION_TIMEOUT_MS),
    checkUrl: (url, field) => checkWebUrl(url, field),
    secret: lookup,
  };
}
