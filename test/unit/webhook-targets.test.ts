import { describe, expect, it } from 'vitest';
import { addressRange, ipLiteralOf, isPublicAddress, privateTargetReason, resolveTarget, TargetResolutionError, webhookUrlShapeProblem } from '../../security/webhook-targets.js';

describe('webhook target addresses', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    // IPv4-mapped IPv6 reaches the IPv4 address it carries.
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
  ])('%s is not public (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '100.63.255.255', '93.184.215.14', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it('treats what is not an address as not public', () => {
    expect(addressRange('example.com')).toBeUndefined();
    expect(isPublicAddress('example.com')).toBe(false);
  });

  it('reads IP hosts the way the URL parser normalises them', () => {
    expect(ipLiteralOf(new URL('http://0x7f.1/'))).toBe('127.0.0.1');
    expect(ipLiteralOf(new URL('http://2130706433/'))).toBe('127.0.0.1');
    expect(ipLiteralOf(new URL('http://[::1]:8080/x'))).toBe('::1');
    expect(ipLiteralOf(new URL('http://[::ffff:127.0.0.1]/'))).toBe('::ffff:7f00:1');
    expect(ipLiteralOf(new URL('https://hooks.example.com/'))).toBeUndefined();
  });
});

describe('webhook URL shape', () => {
  it.each([
    ['https://hooks.example.com/a?b=c', undefined],
    ['http://hooks.example.com:8080/', undefined],
    ['ftp://hooks.example.com/', 'not_http'],
    ['javascript:alert(1)', 'not_http'],
    ['file:///etc/passwd', 'not_http'],
    ['hooks.example.com/path', 'not_a_url'],
    ['', 'not_a_url'],
    ['https://user:secret@hooks.example.com/', 'has_credentials'],
  ])('%s → %s', (url, problem) => expect(webhookUrlShapeProblem(url)).toBe(problem));
});

describe('resolving a target', () => {
  it('judges every address a name resolves to: one private address makes the target private', async () => {
    const target = await resolveTarget(new URL('https://hooks.example.com/'), {
      timeoutMs: 1_000,
      resolver: async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    });
    expect(target.addresses).toHaveLength(2);
    expect(target.privateAddresses).toEqual([{ address: '10.0.0.7', range: 'private' }]);
    expect(privateTargetReason(target)).toBe('hooks.example.com resolves to 10.0.0.7, a private-network address (private)');
  });

  it('takes an IP host as it is, without asking the resolver', async () => {
    let asked = false;
    const target = await resolveTarget(new URL('http://[::1]:9000/'), {
      timeoutMs: 1_000,
      resolver: async () => {
        asked = true;
        return [];
      },
    });
    expect(asked).toBe(false);
    expect(privateTargetReason(target)).toBe('::1 is a private-network address (loopback)');
  });

  it('has no reason to refuse a public target', async () => {
    const target = await resolveTarget(new URL('https://hooks.example.com/'), { timeoutMs: 1_000, resolver: async () => [{ address: '2606:4700:4700::1111', family: 6 }] });
    expect(privateTargetReason(target)).toBeUndefined();
  });

  it('gives up on a resolver that does not answer in time, and names a failed lookup', async () => {
    const started = Date.now();
    await expect(resolveTarget(new URL('https://slow.example.com/'), { timeoutMs: 100, resolver: () => new Promise(() => undefined) })).rejects.toThrow(TargetResolutionError);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(
      resolveTarget(new URL('https://missing.example.com/'), { timeoutMs: 1_000, resolver: () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) }),
    ).rejects.toThrow('missing.example.com could not be resolved (ENOTFOUND)');
  });
});
