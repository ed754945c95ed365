// The network guard's decisions, without a browser: which address classes are refused in every
// notation, what the allow-list opens (and which entries it rejects), and that a name stays pinned.
import { type Address, createNetworkGuard, isShowrunnerError, type LookupFn, refusal, ShowrunnerError } from '@showrunner/core';
import { describe, expect, it } from 'vitest';

/** A lookup that answers from a table (functions answer per call) and counts what it was asked. */
function table(names: Record<string, string[] | (() => string[])>): LookupFn & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (host: string): Promise<Address[]> => {
    asked.push(host);
    const answer = names[host];
    if (!answer) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return (typeof answer === 'function' ? answer() : answer).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return Object.assign(lookup, { asked });
}

async function refusedAs(guard: ReturnType<typeof createNetworkGuard>, host: string, port = 80): Promise<string | undefined> {
  try {
    await guard.resolve(host, port);
    return undefined;
  } catch (err) {
    if (!isShowrunnerError(err) || err.code !== 'SR_NETWORK_REFUSED') throw err;
    return guard.refused.at(-1)!.reason;
  }
}

describe('createNetworkGuard', () => {
  it('refuses every inward address class, in every notation, without asking DNS', async () => {
    const lookup = table({});
    const guard = createNetworkGuard({ lookup });
    const hostile: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['2130706433', 'loopback'], // 32-bit decimal
      ['0177.0.0.1', 'loopback'], // octal
      ['0x7f.1', 'loopback'], // hex, two parts
      ['127.1', 'loopback'],
      ['[::1]', 'loopback'],
      ['::1', 'loopback'],
      ['[::ffff:127.0.0.1]', 'loopback'], // IPv4-mapped: judged as the IPv4 it carries
      ['::ffff:7f00:1', 'loopback'],
      ['::7f00:1', 'ipv4Compatible'], // deprecated IPv4-compatible form
      ['::127.0.0.1', 'loopback'], // ipaddr.js reads a dotted tail as mapped; refused either way
      ['0.0.0.0', 'unspecified'],
      ['[::]', 'unspecified'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.254', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'linkLocal'],
      ['100.64.0.1', 'carrierGradeNat'],
      ['fd00::1', 'uniqueLocal'],
      ['fc00::1', 'uniqueLocal'],
      ['fe80::1', 'linkLocal'],
      ['fe80::1%eth0', 'linkLocal'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['ff02::1', 'multicast'],
      ['255.255.255.255', 'broadcast'],
      ['192.0.2.1', 'reserved'],
      ['240.0.0.1', 'reserved'],
      ['2001:db8::1', 'reserved'],
      ['64:ff9b::7f00:1', 'NAT64 loopback'],
      ['64:ff9b::a00:1', 'NAT64 private'],
      ['2002:7f00:1::1', '6to4 loopback'],
      ['2002:a9fe:a9fe::1', '6to4 linkLocal'],
      ['2001::1', 'teredo'],
      ['fec0::1', 'deprecatedSiteLocal'],
    ];
    const got = [];
    for (const [host] of hostile) got.push([host, await refusedAs(guard, host)]);
    expect(got).toEqual(hostile);
    expect(lookup.asked).toEqual([]);
  });

  it('lets global unicast addresses through, also when carried by NAT64 or 6to4', async () => {
    const guard = createNetworkGuard({ lookup: table({}) });
    for (const host of ['8.8.8.8', '93.184.216.34', '2606:4700::1111', '[2a00:1450::1]', '64:ff9b::808:808', '2002:808:808::1']) {
      expect([host, await refusedAs(guard, host)]).toEqual([host, undefined]);
    }
    expect(await guard.resolve('[2606:4700::1111]', 443)).toEqual({ address: '2606:4700::1111', family: 6 });
    expect(await guard.resolve('0x08.8.8.8', 53)).toEqual({ address: '8.8.8.8', family: 4 });
    expect(guard.refused).toEqual([]);
  });

  it('judges names by every address they resolve to; localhost names are loopback whatever DNS says', async () => {
    const lookup = table({
      'public.test': ['93.184.216.34'],
      'inward.test': ['127.0.0.1'],
      'mixed.test': ['93.184.216.34', '10.1.2.3'],
      'six.test': ['2606:4700::1111', 'fd12::1'],
      'empty.test': [],
      localhost: ['93.184.216.34'], // a lying resolver is not asked
    });
    const guard = createNetworkGuard({ lookup });
    expect(await guard.resolve('public.test', 443)).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await refusedAs(guard, 'inward.test')).toBe('loopback');
    expect(await refusedAs(guard, 'mixed.test')).toBe('private');
    expect(await refusedAs(guard, 'six.test')).toBe('uniqueLocal');
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', 'a.b.localhost.']) {
      expect([host, await refusedAs(guard, host)]).toEqual([host, 'loopback']);
    }
    expect(lookup.asked).toEqual(['public.test', 'inward.test', 'mixed.test', 'six.test']);
    await expect(guard.resolve('empty.test', 80)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(guard.resolve('nowhere.test', 80)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('names the host, address and class in a coded error, and keeps the last 50 refusals', async () => {
    const guard = createNetworkGuard({ lookup: table({ 'meta.test': ['169.254.169.254'] }) });
    const err = await guard.resolve('meta.test', 80).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShowrunnerError);
    expect(err).toMatchObject({ code: 'SR_NETWORK_REFUSED', field: 'network' });
    expect((err as Error).message).toBe('Refused a connection to meta.test:80 (169.254.169.254): linkLocal address.');
    expect(guard.refused).toEqual([{ host: 'meta.test', port: 80, address: '169.254.169.254', reason: 'linkLocal' }]);
    for (let i = 0; i < 60; i++) await refusedAs(guard, `10.0.0.${i}`);
    expect(guard.refused).toHaveLength(50);
    expect(guard.refused.at(-1)!.host).toBe('10.0.0.59');
    expect(guard.refused[0]!.host).toBe('10.0.0.10');
  });

  it('opens exactly what the allow-list names: address and port, CIDR range, localhost[:port]', async () => {
    const guard = createNetworkGuard({
      allow: ['127.0.0.1:4321', '[::1]:8080', '10.0.0.0/8', ' 192.168.1.20 ', 'localhost:3000', 'fd00::/8'],
      lookup: table({ 'app.test': ['127.0.0.1'] }),
    });
    const cases: [string, number, string | undefined][] = [
      ['127.0.0.1', 4321, undefined],
      ['app.test', 4321, undefined],
      ['[::ffff:127.0.0.1]', 4321, undefined], // the mapped form of an allowed address
      ['127.0.0.1', 4322, 'loopback'],
      ['127.0.0.2', 4321, 'loopback'],
      ['::1', 8080, undefined],
      ['::1', 8081, 'loopback'],
      ['10.200.0.1', 80, undefined],
      ['11.0.0.1', 80, undefined], // public anyway
      ['172.16.0.1', 80, 'private'],
      ['192.168.1.20', 22, undefined],
      ['192.168.1.21', 80, 'private'],
      ['localhost', 3000, undefined],
      ['127.0.0.1', 3000, undefined],
      ['localhost', 3001, 'loopback'],
      ['fd12::1', 80, undefined],
      ['fe80::1', 80, 'linkLocal'],
    ];
    const got = [];
    for (const [host, port] of cases) got.push([host, port, await refusedAs(guard, host, port)]);
    expect(got).toEqual(cases);
    expect(refusal('127.0.0.1', 80)).toBe('loopback');
  });

  it('rejects allow-list entries that are not an address, range or localhost, with SR_CONFIG_INVALID', () => {
    for (const entry of [
      'example.com',
      'example.com:80',
      '127.0.0.1:0',
      '127.0.0.1:65536',
      '127.0.0.1:http',
      '10.0.0.0/33',
      '',
      '[::1',
      'localhost:',
      '1.2.3.4:5:6x',
      '*',
    ]) {
      let err: unknown;
      try {
        createNetworkGuard({ allow: [entry] });
      } catch (e) {
        err = e;
      }
      expect([entry, err]).toEqual([entry, expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'network.allow' })]);
      expect((err as Error).message).toContain(JSON.stringify(entry));
    }
  });

  it('pins a name to its first answer: one lookup, however the name rebinds; failed lookups are not pinned', async () => {
    let calls = 0;
    const lookup = table({
      'rebind.test': () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']),
      'flaky.test': () => {
        if (calls++ < 10) throw Object.assign(new Error('SERVFAIL'), { code: 'ESERVFAIL' });
        return ['93.184.216.35'];
      },
    });
    const guard = createNetworkGuard({ lookup });
    const answers = await Promise.all(Array.from({ length: 5 }, () => guard.resolve('rebind.test', 80)));
    answers.push(await guard.resolve('REBIND.test', 80));
    expect(new Set(answers.map((a) => a.address))).toEqual(new Set(['93.184.216.34']));
    expect(lookup.asked.filter((h) => h.toLowerCase() === 'rebind.test')).toHaveLength(1);

    calls = 0;
    await expect(guard.resolve('flaky.test', 80)).rejects.toMatchObject({ code: 'ESERVFAIL' });
    calls = 10;
    expect(await guard.resolve('flaky.test', 80)).toEqual({ address: '93.184.216.35', family: 4 });
    expect(lookup.asked.filter((h) => h === 'flaky.test')).toHaveLength(2);
  });

  it('keeps its pins bounded when a page invents names, and still checks each one', async () => {
    let n = 0;
    const lookup: LookupFn = async () => [{ address: n++ % 2 ? '127.0.0.1' : '93.184.216.34', family: 4 }];
    const guard = createNetworkGuard({ lookup });
    let refused = 0;
    for (let i = 0; i < 5_000; i++) if (await refusedAs(guard, `n${i}.test`)) refused++;
    expect(refused).toBe(2_500);
    // The first name's pin was dropped (bounded map): asked again, and judged on the new answer.
    n = 1;
    expect(await refusedAs(guard, 'n0.test')).toBe('loopback');
  });
});
