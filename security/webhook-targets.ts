// Which webhook targets may be called: http(s) URLs whose host is a public address, or a name resolving only
// to public addresses. Private-network targets (loopback, RFC 1918, link-local with the cloud metadata
// address, unique-local, CGNAT, unspecified, multicast, reserved…) are refused unless allowed: a webhook URL
// is chosen by an API client and must not become a way into the service's own network.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** The range ipaddr.js names for an address; only `unicast` (public, globally routed) is a public target. */
export function addressRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  // process(): ::ffff:10.0.0.1 reaches 10.0.0.1, so it is judged as the IPv4 address it carries.
  return ipaddr.process(address).range();
}

export const isPublicAddress = (address: string): boolean => addressRange(address) === 'unicast';

/** The URL's host as an IP address when it is one (the WHATWG parser has already normalised 0x7f.1 and the like). */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) ? host : undefined;
}

export type UrlShapeProblem = 'not_a_url' | 'not_http' | 'has_credentials';

/** Checks what a URL looks like, without any lookup. */
export function webhookUrlShapeProblem(value: string): UrlShapeProblem | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not_a_url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not_http';
  // user:pass@ would be sent to the target in every request and shown in every view of the endpoint.
  if (url.username || url.password) return 'has_credentials';
  return undefined;
}

export interface ResolvedTarget {
  host: string;
  /** Every address the host stands for (the literal itself for an IP host). */
  addresses: { address: string; family: 4 | 6 }[];
  /** Addresses among them that are not public, with their range. */
  privateAddresses: { address: string; range: string }[];
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export class TargetResolutionError extends Error {
  override name = 'TargetResolutionError';
}

/** Resolves a URL's host (with a deadline) and says which of its addresses are private. */
export async function resolveTarget(url: URL, opts: { timeoutMs: number; resolver?: Resolver }): Promise<ResolvedTarget> {
  const literal = ipLiteralOf(url);
  const host = literal ?? url.hostname;
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        (opts.resolver ?? systemResolver)(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TargetResolutionError(`resolving ${host} took longer than ${opts.timeoutMs} ms`)), opts.timeoutMs);
        }),
      ]);
    } catch (error) {
      if (error instanceof TargetResolutionError) throw error;
      const code = (error as { code?: unknown }).code;
      throw new TargetResolutionError(`${host} could not be resolved${typeof code === 'string' ? ` (${code})` : ''}`);
    } finally {
      clearTimeout(timer);
    }
  }
  const typed = addresses.map((a) => ({ address: a.address, family: (a.family === 6 ? 6 : 4) as 4 | 6 }));
  return {
    host,
    addresses: typed,
    privateAddresses: typed.filter((a) => !isPublicAddress(a.address)).map((a) => ({ address: a.address, range: addressRange(a.address) ?? 'invalid' })),
  };
}

/** Why a resolved target is refused, in words for a problem detail or a delivery log; undefined when it is public. */
export function privateTargetReason(target: ResolvedTarget): string | undefined {
  const first = target.privateAddresses[0];
  if (!first) return undefined;
  const what = `a private-network address (${first.range})`;
  return first.address === target.host ? `${first.address} is ${what}` : `${target.host} resolves to ${first.address}, ${what}`;
}
