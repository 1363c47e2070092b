import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may be sent. In production only https URLs whose host resolves to public
 * addresses; with `allowPrivate` (development, tests) plain http and loopback/private targets too.
 * The address check runs on the address actually connected to (see `guardedLookup`), so a
 * host that resolves differently at delivery time (DNS rebinding) is still refused.
 */
export interface TargetPolicy {
  allowPrivate: boolean;
}

/** Why a URL or address is refused; the message is shown to the admin. */
export class WebhookTargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefusedError';
  }
}

const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: maps to IPv4, not checked further
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return false;
  const { address: plain, family } = unmapped(address);
  return !NON_PUBLIC.check(plain, family);
}

/** Checks a URL's form (scheme, no credentials); throws WebhookTargetRefusedError. */
export function checkWebhookUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetRefusedError('url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookTargetRefusedError('url must use https');
  }
  if (url.protocol === 'http:' && !policy.allowPrivate) {
    throw new WebhookTargetRefusedError('url must use https');
  }
  if (url.username || url.password) {
    throw new WebhookTargetRefusedError('url must not contain credentials');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !policy.allowPrivate && !isPublicAddress(host)) {
    throw new WebhookTargetRefusedError(`url points at a non-public address (${host})`);
  }
  return url;
}

/**
 * Resolves the URL's host now and refuses it when any address is non-public (the check at
 * registration; every delivery checks again on connect).
 */
export async function checkWebhookTarget(raw: string, policy: TargetPolicy): Promise<URL> {
  const url = checkWebhookUrl(raw, policy);
  if (policy.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return url;
  const addresses = await new Promise<string[]>((resolve, reject) =>
    lookup(host, { all: true }, (error, found) =>
      error
        ? reject(new WebhookTargetRefusedError(`url host ${host} does not resolve`))
        : resolve(found.map((a) => a.address)),
    ),
  );
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused) {
    throw new WebhookTargetRefusedError(
      `url host ${host} resolves to a non-public address (${refused})`,
    );
  }
  return url;
}

/**
 * A `lookup` for http(s).request that fails the connection when the host resolves to a
 * non-public address. Node does not call `lookup` for IP-literal hosts; checkWebhookUrl
 * covers those.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses;
      if (!policy.allowPrivate) {
        const refused = list.find((a) => !isPublicAddress(a.address));
        if (refused) {
          return callback(
            new WebhookTargetRefusedError(
              `${hostname} resolves to a non-public address (${refused.address})`,
            ),
            '',
            0,
          );
        }
      }
      if (options.all)
        return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
