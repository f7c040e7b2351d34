// `lectern doctor`: checks the host and its services against the configuration, one line
// per check (ok / warn / fail and what to fix); any fail makes the exit code 1.
import type { Config } from '../config.js';
import { checkAnnouncedAddress, checkHttpPort, checkRtcPorts, checkTurn } from './network.js';
import { checkDatabase, checkDisk, checkRedis } from './storage.js';
import type { CheckResult } from './types.js';

export async function runDoctor(config: Config): Promise<CheckResult[]> {
  const http = await checkHttpPort(config);
  // Ports held by the Lectern that answers on the HTTP port are expected, not faults.
  const rest = await Promise.all([
    checkRtcPorts(config, http.lecternRunning),
    checkAnnouncedAddress(config),
    checkTurn(config),
    checkDatabase(config, http.lecternRunning),
    checkRedis(config),
    checkDisk(config),
  ]);
  return [http.result, ...rest];
}

export function formatResult(r: CheckResult): string {
  return `${r.status.padEnd(4)}  ${r.name.padEnd(17)} ${r.detail}${r.fix ? ` -> ${r.fix}` : ''}`;
}

export const doctorExitCode = (results: readonly CheckResult[]): number => (results.some((r) => r.status === 'fail') ? 1 : 0);
