// The lab's network conditions, applied with nftables and tc inside the private namespace of
// scripts/netns-run.sh (never the host's). Browsers and the SFU talk over loopback there, so
// every packet crosses the `input` hook exactly once: one rule per direction is "each way".
// Drops happen on input, not output: a packet dropped on output fails the sender's sendto()
// with EPERM, which no real network does.
import { execFileSync } from 'node:child_process';

const TABLE = 'netlab';
const BURST_TABLE = 'netlab_burst';
/** htb class (on lo) that the capped subscriber's downstream is steered into. */
const CAP_CLASS = '1:20';

export type Condition =
  | { kind: 'none' }
  | { kind: 'loss'; percent: number; only?: 'up' | 'down' }
  | { kind: 'cap'; kbit: number; subscriberPort: number }
  | { kind: 'udpBlocked' };

function nft(script: string): void {
  execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'inherit', 'inherit'] });
}

function tc(...args: string[]): void {
  execFileSync('tc', args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Declaring then deleting a table removes it whether or not it existed. */
function dropTable(name: string): void {
  nft(`table inet ${name}\ndelete table inet ${name}\n`);
}

function table(name: string, rules: { input?: string[]; output?: string[] }): string {
  const chain = (hook: 'input' | 'output', rs: string[] = []) =>
    rs.length === 0 ? '' : `  chain ${hook} {\n    type filter hook ${hook} priority 0; policy accept;\n${rs.map((r) => `    ${r}\n`).join('')}  }\n`;
  return `table inet ${name} {\n${chain('input', rules.input)}${chain('output', rules.output)}}\n`;
}

function rulesFor(sfuPort: number, c: Condition): { input?: string[]; output?: string[] } {
  switch (c.kind) {
    case 'none':
      return {};
    case 'loss': {
      // The first counter sees every packet of that direction, the second the dropped ones.
      const drop = (p: number) => `counter numgen random mod 100 < ${p} counter drop`;
      const down = c.only === 'up' ? 0 : c.percent;
      const up = c.only === 'down' ? 0 : c.percent;
      return { input: [`udp sport ${sfuPort} ${drop(down)}`, `udp dport ${sfuPort} ${drop(up)}`] };
    }
    case 'cap':
      // Marks the flow SFU -> that subscriber's receive transport (before the qdisc, so on
      // output); htb on lo shapes the class.
      return { output: [`udp sport ${sfuPort} udp dport ${c.subscriberPort} meta priority set ${CAP_CLASS}`] };
    case 'udpBlocked':
      return { input: [`udp sport ${sfuPort} drop`, `udp dport ${sfuPort} drop`] };
  }
}

/** Share of packets the loss rules dropped so far, towards the SFU (up) and from it (down). */
export function measuredLoss(): { up: number; down: number } | null {
  let text: string;
  try {
    text = execFileSync('nft', ['list', 'table', 'inet', TABLE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  const share = (dir: 'dport' | 'sport') => {
    const m = new RegExp(`udp ${dir} \\d+ counter packets (\\d+) .* counter packets (\\d+)`).exec(text);
    return m ? Math.round((Number(m[2]) / Math.max(1, Number(m[1]))) * 1000) / 1000 : null;
  };
  const up = share('dport');
  const down = share('sport');
  return up === null || down === null ? null : { up, down };
}

/** Replaces whatever condition was in force with `c` on the SFU's media port. */
export function applyCondition(sfuPort: number, c: Condition): void {
  clearConditions();
  if (c.kind === 'cap') {
    // A shaper, not a policer: packets over the rate wait in a short queue (about 0.5 s at the
    // cap) the way a slow access link's buffer does, and only then are dropped.
    tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit', 'quantum', '65536');
    tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', CAP_CLASS, 'htb', 'rate', `${c.kbit}kbit`, 'ceil', `${c.kbit}kbit`, 'quantum', '1514');
    tc('qdisc', 'add', 'dev', 'lo', 'parent', CAP_CLASS, 'handle', '20:', 'bfifo', 'limit', String(Math.round((c.kbit * 1000) / 16)));
  }
  const rules = rulesFor(sfuPort, c);
  if (rules.input || rules.output) nft(table(TABLE, rules));
}

export function clearConditions(): void {
  dropTable(TABLE);
  dropTable(BURST_TABLE);
  try {
    execFileSync('tc', ['qdisc', 'del', 'dev', 'lo', 'root'], { stdio: 'ignore' });
  } catch {
    // No qdisc of ours on lo.
  }
}

/** Drops every packet to and from the SFU's media port (UDP and TCP) on top of the condition, until `endBurst`. */
export function startBurst(sfuPort: number): void {
  nft(table(BURST_TABLE, { input: [`meta l4proto { udp, tcp } th sport ${sfuPort} drop`, `meta l4proto { udp, tcp } th dport ${sfuPort} drop`] }));
}

export function endBurst(): void {
  dropTable(BURST_TABLE);
}

/** Whether nft and tc can change this namespace (inside scripts/netns-run.sh they can). */
export function checkTools(): void {
  for (const [tool, flag] of [['nft', '--version'], ['tc', '-V']] as const) {
    try {
      execFileSync(tool, [flag], { stdio: 'ignore' });
    } catch {
      throw new Error(`netlab needs '${tool}': run scripts/system-deps.sh lab (as root)`);
    }
  }
}
