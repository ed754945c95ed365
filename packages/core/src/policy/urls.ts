import { ShowrunnerError } from '../errors.js';
import { LIMITS } from './limits.js';

/** Schemes a run may open. Everything else (file:, data:, javascript:, chrome:, view-source:, about:) is refused. */
export const WEB_SCHEMES = ['http:', 'https:'] as const;

/**
 * Which top-level navigations a page may make while it is recorded: anywhere (`allow`), the start
 * page's site only (`same-site`: same registrable host or a subdomain of it), or a list of origins.
 */
export type NavigationPolicy = 'allow' | 'same-site' | { origins: string[] };

/** True for a URL with a web scheme. Relative paths are not URLs here: resolve them first. */
export function isWebUrl(value: string): boolean {
  try {
    return (WEB_SCHEMES as readonly string[]).includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Check a URL a run is about to open (start page, `goto`, a page's own navigation): an absolute
 * http(s) URL within the length limit. Returns it parsed. Throws SR_URL_REFUSED naming `field`.
 */
export function checkWebUrl(value: string, field = 'url'): URL {
  const refuse = (why: string) =>
    new ShowrunnerError('SR_URL_REFUSED', `${field}: ${JSON.stringify(value.slice(0, 200))} ${why}.`, {
      field,
      hint: 'Use an http:// or https:// address of the web app (or a path on it).',
    });
  if (value.length > LIMITS.urlChars) throw refuse(`is ${value.length} characters, over the limit urlChars = ${LIMITS.urlChars}`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw refuse('contains control characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('is not an absolute URL');
  }
  if (!(WEB_SCHEMES as readonly string[]).includes(url.protocol)) throw refuse(`uses ${url.protocol}, not http: or https:`);
  if (url.username || url.password) throw refuse('carries a user name or password');
  return url;
}

/**
 * Whether a navigation from the start page to `to` is allowed by `policy`. `start` is the demo's
 * start URL. Same-site compares hosts by their last two labels (or the whole host for IPs and
 * single-label hosts), which is what a person means by "the same site" without a suffix list.
 */
export function navigationAllowed(policy: NavigationPolicy, start: string, to: string): boolean {
  if (policy === 'allow') return true;
  let target: URL;
  try {
    target = new URL(to);
  } catch {
    return false;
  }
  if (typeof policy === 'object') {
    const origins = new Set(policy.origins.map((o) => new URL(o).origin));
    return origins.has(target.origin) || target.origin === new URL(start).origin; // the start page's own origin is always fine
  }
  return site(new URL(start).hostname) === site(target.hostname);
}

function site(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[')) return host;
  const labels = host.replace(/\.$/, '').split('.');
  return labels.slice(-2).join('.');
}

/**
 * A URL safe to show a model, a log or a person: query values and the fragment replaced by `…`,
 * credentials dropped. Tokens travel in query strings (`?token=…`, `#access_token=…`).
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value.replace(/([?&][^=&#]*=)[^&#]*/g, '$1…').replace(/#.*/, '');
  }
  url.username = '';
  url.password = '';
  const keys = [...url.searchParams.keys()];
  const query = keys.map((k) => `${encodeURIComponent(k)}=…`).join('&');
  // Opaque URLs (mailto:, about:, data:) have no origin: keep the scheme and path.
  const base = url.origin === 'null' ? `${url.protocol}${url.pathname}` : `${url.origin}${url.pathname}`;
  return `${base}${query ? `?${query}` : ''}${url.hash ? '#…' : ''}`;
}
