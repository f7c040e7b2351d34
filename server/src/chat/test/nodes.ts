// Test helper: Lectern API nodes as child processes (`src/main.ts`), so a test can SIGKILL
// one and start it again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildNode {
  readonly url: string;
  readonly proc: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const serverDir = fileURLToPath(new URL('../../..', import.meta.url));

export async function startApiChild(env: Record<string, string>, port: number, nodeId: string): Promise<ChildNode> {
  const proc = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1', LECTERN_ROLE: 'api', LECTERN_NODE_ID: nodeId, LECTERN_PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node ${nodeId} did not start: ${err}`)), 60_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Lectern is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${nodeId} exited (${code}): ${err}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}
