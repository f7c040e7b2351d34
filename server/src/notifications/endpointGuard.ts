// Push endpoints are URLs the server POSTs to on a user's say-so: one pointing into the
// server's own network (metadata service, admin ports) would make Lectern a request
// forger. Endpoints must be https and every address their host resolves to public.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** True for loopback, private, link-local, CGNAT, multicast and reserved addresses (IPv4-mapped IPv6 by its IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

export class EndpointRefused extends Error {
  override readonly name = 'EndpointRefused';
}

/** Throws EndpointRefused unless `allowPrivate` or the endpoint is https on a host with only public addresses. */
export async function assertPublicEndpoint(endpoint: string, opts: { allowPrivate: boolean; resolve?: Resolve }): Promise<void> {
  if (opts.allowPrivate) return;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:') throw new EndpointRefused('endpoint must be a public https URL of a push service');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    const found = await (opts.resolve ?? systemResolve)(host).catch(() => []);
    if (found.length === 0) throw new EndpointRefused('endpoint host does not resolve');
    addresses = found.map((a) => a.address);
  }
  if (addresses.some(isNonPublicAddress)) throw new EndpointRefused('endpoint must be a public https URL of a push service');
}
