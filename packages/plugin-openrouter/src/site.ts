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

function unquote(escaped: string): string {
  try {
    return JSON.parse(`"${escaped}"`) as string;
  } catch {
    return escaped;
  }
}
