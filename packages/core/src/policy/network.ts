import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { ShowrunnerError } from '../errors.js';

/** One resolved address. */
export interface Address {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses (default: the system resolver, as `dns.lookup` with `all`). */
export type LookupFn = (host: string) => Promise<Address[]>;

/** A connection the guard refused, kept so the recorder can say why a page failed to load. */
export interface Refusal {
  host: string;
  port: number;
  address?: string;
  /** The address class that was refused: `loopback`, `private`, `linkLocal`, `carrierGradeNat`, ... */
  reason: string;
}

/**
 * Decides which addresses an untrusted run may connect to. Called for every connection the recorder's
 * browser and the planner's snapshot browser open (through the recorder's local proxy), serially per
 * connection, concurrently across connections. One guard per run: the first address a host resolved
 * to is pinned for the guard's life, so a DNS answer that changes later (rebinding) cannot move it.
 */
export interface NetworkGuard {
  /**
   * Resolve `host` (a name, or an IP literal in any notation) and check every address it has. Returns
   * the one address to connect to. Throws SR_NETWORK_REFUSED naming the host, address and class when
   * any address is refused; rethrows the resolver's error when the name does not resolve.
   */
  resolve(host: string, port: number): Promise<Address>;
  /** The most recent refusals (at most 50), newest last. */
  readonly refused: readonly Refusal[];
}

/** Options of {@link createNetworkGuard}. */
export interface NetworkGuardOptions {
  /**
   * Addresses opened even though their class is refused: `127.0.0.1:4321`, `[::1]:8080`,
   * `10.0.0.0/8`, `192.168.1.20`, or `localhost[:port]` (127.0.0.1 and ::1). For tests and
   * self-hosters reaching one app on a private network.
   */
  allow?: readonly string[];
  lookup?: LookupFn;
}

interface Rule {
  range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  port?: number;
}

/** What `localhost` and `*.localhost` resolve to, whatever DNS would say. */
const LOCALHOST: Address[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/** Host names pinned per guard at most (a run opens a few dozen). */
const MAX_PINNED = 4096;

const systemLookup: LookupFn = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));

/**
 * The built-in guard: only global unicast addresses. Refused: loopback, private (10/8, 172.16/12,
 * 192.168/16), link-local (169.254/16 with the cloud metadata address, fe80::/10), carrier-grade NAT
 * (100.64/10), unique-local (fc00::/7), multicast, broadcast, unspecified, reserved and documentation
 * ranges, IPv4-compatible `::a.b.c.d`, Teredo and SIIT, and the IPv6 forms that carry an IPv4
 * address (mapped `::ffff:`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) unless what they carry is global.
 * Checked after resolution, so `2130706433`, `0x7f.1` and names that resolve inward are refused like
 * the literal addresses; `localhost` and `*.localhost` (with or without the final dot) are loopback
 * without asking DNS (RFC 6761), as Chromium treats them.
 */
export function createNetworkGuard(options: NetworkGuardOptions = {}): NetworkGuard {
  const rules = (options.allow ?? []).flatMap(parseAllow);
  const lookup = options.lookup ?? systemLookup;
  const pinned = new Map<string, Promise<Address[]>>();
  const refused: Refusal[] = [];

  const addresses = (host: string): Promise<Address[]> => {
    const literal = host.replace(/^\[|\]$/g, '');
    // Every notation ipaddr.js reads (dotted, octal, hex, 32-bit) is the one getaddrinfo reads too.
    if (ipaddr.isValid(literal)) {
      const parsed = ipaddr.parse(literal);
      return Promise.resolve([{ address: parsed.toString(), family: parsed.kind() === 'ipv6' ? 6 : 4 }]);
    }
    const key = host.toLowerCase();
    if (/^(?:.+\.)?localhost\.?$/.test(key)) return Promise.resolve(LOCALHOST);
    let job = pinned.get(key);
    if (!job) {
      job = lookup(host);
      pinned.set(key, job);
      // Bounded: a page can invent names without end. Dropping an old pin is safe because every
      // connection's address is checked anyway; the pin only keeps one name on one address.
      if (pinned.size > MAX_PINNED) pinned.delete(pinned.keys().next().value!);
      const mine = job;
      job.catch(() => pinned.get(key) === mine && pinned.delete(key)); // a failed lookup is not pinned
    }
    return job;
  };

  return {
    refused,
    async resolve(host, port) {
      const found = await addresses(host);
      if (!found.length) throw Object.assign(new Error(`${host} has no addresses`), { code: 'ENOTFOUND' });
      for (const a of found) {
        const why = refusal(a.address, port, rules);
        if (!why) continue;
        refused.push({ host, port, address: a.address, reason: why });
        if (refused.length > 50) refused.shift();
        throw new ShowrunnerError(
          'SR_NETWORK_REFUSED',
          `Refused a connection to ${host}:${port}${host === a.address ? '' : ` (${a.address})`}: ${why} address.`,
          {
            field: 'network',
            hint: 'An untrusted run only reaches public addresses. To open one on purpose, add it to `network.allow` in the config.',
          },
        );
      }
      return found[0]!;
    },
  };
}

/** Why `address` is refused (its class), or undefined when it may be reached on `port`. */
export function refusal(address: string, port: number, rules: readonly Rule[] = []): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return 'unparsable';
  }
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  for (const rule of rules) {
    if (ip.kind() === rule.range[0].kind() && ip.match(rule.range) && (rule.port === undefined || rule.port === port)) {
      return undefined;
    }
  }
  return addressClass(ip);
}

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** The class of an address that is not global unicast, or undefined for a global one. */
function addressClass(ip: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  const range = ip.range();
  if (ip.kind() === 'ipv4') return range === 'unicast' ? undefined : range;
  const v6 = ip as ipaddr.IPv6;
  const carried = (at: number) => addressClass(ipaddr.fromByteArray(v6.toByteArray().slice(at, at + 4)));
  if (range === 'rfc6052' && v6.match(NAT64)) {
    const inner = carried(12);
    return inner && `NAT64 ${inner}`;
  }
  if (range === '6to4') {
    const inner = carried(2);
    return inner && `6to4 ${inner}`;
  }
  // ipaddr.js calls ::a.b.c.d (deprecated, tunnelled by some kernels) plain unicast.
  if (range === 'unicast' && v6.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return range === 'unicast' ? undefined : range;
}

/** `127.0.0.1:4321`, `[::1]:80`, `10.0.0.0/8`, `::1`, `localhost:3000` → rules. */
function parseAllow(entry: string): Rule[] {
  const bad = () =>
    new ShowrunnerError('SR_CONFIG_INVALID', `network.allow: "${entry}" is not an address, CIDR range or localhost[:port].`, {
      field: 'network.allow',
      hint: 'Examples: "127.0.0.1:4321", "[::1]:8080", "10.0.0.0/8", "localhost:3000".',
    });
  let host = entry.trim();
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] ? Number(bracketed[2]) : undefined;
  } else if ((host.match(/:/g) ?? []).length === 1) {
    const [h, p] = host.split(':');
    if (!/^\d+$/.test(p ?? '')) throw bad();
    host = h!;
    port = Number(p);
  }
  if (port !== undefined && (port < 1 || port > 65_535)) throw bad();
  const hosts = host.toLowerCase() === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  return hosts.map((h) => {
    try {
      const range = h.includes('/')
        ? ipaddr.parseCIDR(h)
        : ([ipaddr.parse(h), ipaddr.parse(h).kind() === 'ipv4' ? 32 : 128] as Rule['range']);
      return { range, port };
    } catch {
      throw bad();
    }
  });
}
