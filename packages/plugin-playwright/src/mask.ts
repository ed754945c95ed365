import { redactUrl } from '@showrunner/core';
import type { JSHandle, Page } from 'playwright-core';
import { SENSITIVE_ATTR } from './overlay.js';
import { MASK, type Secrets } from './secrets.js';

/** What {@link maskPage} leaves in the page: the links to redact and how to undo everything. */
interface Masked {
  /** Raw `href` attributes of the page's links, in order. */
  hrefs: string[];
  /** Put the redacted hrefs in place (same order as `hrefs`). */
  setHrefs(redacted: string[]): void;
  /** Undo every change exactly; false when the page changed a masked element meanwhile. */
  restore(): boolean;
}

/**
 * Runs in the page: masks what an ARIA snapshot would print from its data. Password fields,
 * fields marked sensitive (or inside a marked element) and fields holding a known secret get the
 * mask as their value; other marked elements get `aria-hidden`. Walks open shadow roots too.
 * Returns the handle's methods; nothing is put where the page's scripts could find it.
 */
function maskPage({ attr, mask, known }: { attr: string; mask: string; known: string[] }): Masked {
  const secrets = new Set(known);
  const elements: Element[] = [];
  const walk = (root: Document | ShadowRoot) => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      elements.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const marked = (el: Element) => {
    for (let at: Element | null = el; at; at = at.parentElement ?? ((at.getRootNode() as ShadowRoot).host || null)) {
      if (at.hasAttribute(attr)) return true;
    }
    return false;
  };
  const TEXT = /^(text|password|email|search|tel|url|number)$/i;
  const undo: (() => boolean)[] = [];
  const links: Element[] = [];
  for (const el of elements) {
    if ((el.localName === 'a' || el.localName === 'area') && el.hasAttribute('href')) links.push(el);
    const field = el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && TEXT.test(el.type));
    const input = el as HTMLInputElement | HTMLTextAreaElement;
    if (field && (input.type.toLowerCase() === 'password' || marked(el) || secrets.has(input.value))) {
      if (!input.value) continue;
      const value = input.value;
      // Setting a value moves the caret to its end: keep where a focused field's caret was.
      let selection: [number | null, number | null, string | null] | undefined;
      try {
        if ((el.getRootNode() as Document | ShadowRoot).activeElement === el)
          selection = [input.selectionStart, input.selectionEnd, input.selectionDirection];
      } catch {
        // number and email fields have no selection
      }
      input.value = mask;
      const shown = input.value;
      undo.push(() => {
        const intact = input.value === shown;
        input.value = value;
        try {
          if (selection) {
            const direction = (selection[2] ?? undefined) as 'forward' | 'backward' | 'none' | undefined;
            input.setSelectionRange(selection[0], selection[1], direction);
          }
        } catch {
          // the field changed type meanwhile
        }
        return intact;
      });
    } else if (!field && el.hasAttribute(attr)) {
      const before = el.getAttribute('aria-hidden');
      el.setAttribute('aria-hidden', 'true');
      undo.push(() => {
        const intact = el.getAttribute('aria-hidden') === 'true';
        if (before === null) el.removeAttribute('aria-hidden');
        else el.setAttribute('aria-hidden', before);
        return intact;
      });
    }
  }
  const hrefs = links.map((a) => a.getAttribute('href') ?? '');
  return {
    hrefs,
    setHrefs(redacted) {
      links.forEach((a, i) => {
        const raw = hrefs[i]!;
        const shown = redacted[i]!;
        if (shown === raw) return;
        a.setAttribute('href', shown);
        undo.push(() => {
          const intact = a.getAttribute('href') === shown;
          a.setAttribute('href', raw);
          return intact;
        });
      });
    },
    restore() {
      // Every change is undone even when one was tampered with.
      return undo.reduceRight((intact, step) => step() && intact, true);
    },
  };
}

/**
 * The page's ARIA snapshot with secret data masked before it is serialised: the values of password
 * and sensitive fields and of fields holding a known secret (any length, any characters: quotes,
 * backslashes, `: `, newlines) replaced by a mask in the page, sensitive elements hidden from the
 * tree, and link URLs with their query values and fragments redacted. The page is restored exactly
 * afterwards (values, selections, attributes); a snapshot whose masked elements the page changed
 * meanwhile is withheld. Known secrets of 3+ characters are also scrubbed from the text, in case the
 * page prints one. Called by `ariaSnapshot` (planner) and by the recorder's failure evidence, while
 * the recording clock is paused.
 */
export async function maskedSnapshot(
  page: Page,
  secrets: Secrets,
  { maxChars = 8_000, timeoutMs = 5_000 }: { maxChars?: number; timeoutMs?: number } = {},
): Promise<string> {
  const masked = await within(
    page.evaluateHandle(maskPage, { attr: SENSITIVE_ATTR, mask: MASK, known: secrets.list() }),
    timeoutMs,
  );
  let yaml: string;
  let intact = false;
  try {
    const hrefs = await within(
      masked.evaluate((m) => m.hrefs),
      timeoutMs,
    );
    const redacted = hrefs.map((href) => (href.includes('?') || href.includes('#') ? redactUrl(href) : href));
    await within(
      masked.evaluate((m, r) => m.setHrefs(r), redacted),
      timeoutMs,
    );
    yaml = await page.locator('body').ariaSnapshot({ timeout: timeoutMs });
  } finally {
    intact = await within(restore(masked), timeoutMs).catch(() => false);
  }
  if (!intact) return '# The page changed masked fields while its snapshot was taken, so the snapshot is withheld.';
  yaml = secrets.redact(yaml);
  return yaml.length > maxChars ? `${yaml.slice(0, maxChars)}\n# … cut at ${maxChars} characters` : yaml;
}

async function restore(masked: JSHandle<Masked>): Promise<boolean> {
  try {
    return await masked.evaluate((m) => m.restore());
  } finally {
    await masked.dispose().catch(() => {});
  }
}

/** `work`, or a timeout error after `ms` (a hung page never answers an evaluate). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The page did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
