import { isWebUrl, redactUrl } from '@showrunner/core';

/**
 * Keeping a plan on its site. A page can ask a model (in its text) to send the browser elsewhere;
 * these checks make such a step an issue for the repair round instead of a step the recorder runs.
 */

// Stand-in origin for a start URL given as a path: only paths can then stay on the site.
const NO_ORIGIN = 'https://start-page.invalid';

/**
 * Why a `goto` value leaves the demo's site, or undefined when it stays: a relative path, or an
 * absolute http(s) URL on the start URL's origin. Protocol-relative `//host`, other schemes
 * (`javascript:`, `file:`, `data:`) and other hosts are refused.
 */
export function leavesSite(value: string, startUrl: string): string | undefined {
  let base: URL;
  let target: URL;
  try {
    base = new URL(startUrl, NO_ORIGIN);
    target = new URL(value.trim(), base);
  } catch {
    return `"${value}" is not a URL or path`;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return `"${value}" is not a web page (${target.protocol.slice(0, -1)}); goto may only open paths on this site, such as "/pricing"`;
  }
  if (target.origin !== base.origin) {
    const site = base.origin === NO_ORIGIN ? 'the start page' : base.origin;
    return `"${value}" leaves the site (${site}); goto may only open paths on it, such as "/pricing"`;
  }
  return undefined;
}

/**
 * Links on a snapshotted page that lead off the site, by accessible name, from Playwright's ARIA
 * snapshot YAML (`- link "Name":` with a nested `- /url: ...`). A click on one of them would leave
 * the site as surely as a `goto`.
 */
export function offSiteLinks(snapshot: string | undefined, startUrl: string): Map<string, string> {
  const links = new Map<string, string>();
  const lines = snapshot?.split('\n') ?? [];
  for (const [i, line] of lines.entries()) {
    const link = /^(\s*)- link "((?:[^"\\]|\\.)*)"/.exec(line);
    if (!link) continue;
    const indent = link[1]!.length;
    for (const child of lines.slice(i + 1)) {
      if (child.search(/\S/) <= indent) break;
      const url = /^\s*- \/url:\s*(.+?)\s*$/.exec(child)?.[1]?.replace(/^"(.*)"$/, '$1');
      if (url && leavesSite(url, startUrl)) links.set(unquote(link[2]!), url);
      if (url) break;
    }
  }
  return links;
}

/**
 * The snapshot with every link URL (`- /url: …` lines) redacted before a model sees it: query values
 * and fragments become `…` (core's `redactUrl`), since reset links and magic links carry tokens
 * there. Origins and paths stay, so the off-site check still works on the result. Called on every
 * snapshot that goes into a prompt (the planner's own and the recorder's in `planStep`).
 */
export function redactLinks(snapshot: string): string {
  return snapshot.replace(/^([ \t]*- \/url:[ \t]*)(.*?)[ \t]*$/gm, (_line, head: string, raw: string) => {
    const quoted = /^"(.*)"$/.exec(raw);
    const safe = redactPageUrl(quoted ? unquote(quoted[1]!) : raw);
    return head + (quoted ? JSON.stringify(safe) : safe);
  });
}

/**
 * A URL from a page, safe to show a model: core's `redactUrl` for http(s) URLs and paths; other
 * schemes (mailto:, about:, javascript:) have no origin for it to keep, so they are cut at the
 * query or fragment instead.
 */
export function redactPageUrl(url: string): string {
  const scheme = /^[a-z][\w+.-]*:/i.test(url);
  return !scheme || isWebUrl(url) ? redactUrl(url) : url.replace(/[?#][\s\S]*$/, '');
}

function unquote(escaped: string): string {
  try {
    return JSON.parse(`"${escaped}"`) as string;
  } catch {
    return escaped;
  }
}
