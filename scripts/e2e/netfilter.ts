// nftables rules for the network suites, applied inside the private network namespace of
// scripts/netns-run.sh only (never to the machine's own firewall).
import { execFileSync } from 'node:child_process';

const TABLE = 'lectern_e2e';

/**
 * Why nftables cannot be used here, or undefined when it can: the suite must run inside the
 * test namespace (LECTERN_NETNS_INSIDE=1, set by scripts/netns-run.sh) and `nft` must work.
 */
export function nftUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LECTERN_NETNS_INSIDE !== '1') return 'not inside the private network namespace (run through scripts/netns-run.sh or scripts/e2e.sh)';
  try {
    execFileSync('nft', ['list', 'tables'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (err) {
    return `nft does not work (apt-get install nftables; scripts/system-deps.sh test): ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Drops every UDP packet to or from `ports` (inclusive range) in both directions, so a client
 * can reach those ports over TCP only. Returns the function that removes the rules again.
 */
export function blockUdp(ports: { from: number; to: number }): () => void {
  const range = ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
  const rules = `table inet ${TABLE} {
  chain input { type filter hook input priority 0; policy accept; udp dport ${range} counter drop; udp sport ${range} counter drop; }
  chain output { type filter hook output priority 0; policy accept; udp dport ${range} counter drop; udp sport ${range} counter drop; }
}
`;
  execFileSync('nft', ['-f', '-'], { input: rules });
  return () => execFileSync('nft', ['delete', 'table', 'inet', TABLE]);
}

/** UDP packets the rules of blockUdp dropped so far (the sum of their counters; a packet dropped on output is not seen on input). */
export function droppedUdpPackets(): number {
  const listing = execFileSync('nft', ['list', 'table', 'inet', TABLE], { encoding: 'utf8' });
  return [...listing.matchAll(/counter packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}
