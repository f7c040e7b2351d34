// Host checks that need no database: the HTTP port, the RTC ports, the announced address,
// TURN. Ports are probed by binding them for a moment, the way Lectern will.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { createConnection, createServer, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Config } from '../config.js';
import { fail, ok, reason, warn, within, type CheckResult } from './types.js';

const PROBE_MS = 2000;

/** A socket error's code (EADDRINUSE, EACCES, ...), which the checks tell apart. */
const errCode = (err: NodeJS.ErrnoException): string => err.code ?? reason(err);

/** Binds TCP host:port and lets go; resolves null when free, else the error code. */
export function tcpBindable(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err) => resolve(errCode(err)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

export function udpBindable(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    socket.once('error', (err) => {
      socket.close();
      resolve(errCode(err));
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(null)));
  });
}

/** Whether something answering like Lectern (`GET /healthz` -> {"status":"ok"}) listens there. */
export async function isLectern(host: string, port: number): Promise<boolean> {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  try {
    const res = await fetch(`http://${shown}:${port}/healthz`, { signal: AbortSignal.timeout(PROBE_MS) });
    const body = (await res.json()) as { status?: unknown };
    return res.ok && body.status === 'ok';
  } catch {
    return false;
  }
}

export async function checkHttpPort(config: Config): Promise<{ result: CheckResult; lecternRunning: boolean }> {
  const name = 'http port';
  const where = `${config.host}:${config.port}`;
  if (config.port === 0) return { result: ok(name, 'PORT=0: the system picks a free port'), lecternRunning: false };
  const err = await tcpBindable(config.host, config.port);
  if (err === null) return { result: ok(name, `${where} is free`), lecternRunning: false };
  if (err === 'EADDRINUSE' && (await isLectern(config.host, config.port))) return { result: ok(name, `${where} is Lectern (running)`), lecternRunning: true };
  const fix = err === 'EADDRINUSE' ? 'stop the program using it, or set PORT to a free port' : err === 'EADDRNOTAVAIL' ? 'set HOST to an address of this machine (0.0.0.0 for all)' : 'set PORT/HOST to a port this user may bind';
  return { result: fail(name, `cannot listen on ${where} (${err})`, fix), lecternRunning: false };
}

/** Worker i of an SFU node takes UDP and TCP port base + i on the RTC listen address. */
export async function checkRtcPorts(config: Config, lecternRunning: boolean): Promise<CheckResult> {
  const name = 'rtc ports';
  if (config.role === 'api') return ok(name, 'not an SFU node (LECTERN_ROLE=api)');
  const { listenIp, portBase, workers } = config.sfu;
  const ports = Array.from({ length: workers }, (_, i) => portBase + i);
  const range = workers === 1 ? `${portBase}` : `${portBase}-${portBase + workers - 1}`;
  const problems: string[] = [];
  for (const port of ports) {
    const udp = await udpBindable(listenIp, port);
    if (udp) problems.push(`udp ${port}: ${udp}`);
    const tcp = await tcpBindable(listenIp, port);
    if (tcp) problems.push(`tcp ${port}: ${tcp}`);
  }
  if (problems.length === 0) return ok(name, `udp+tcp ${range} on ${listenIp} are free (${workers} worker${workers === 1 ? '' : 's'})`);
  const detail = `cannot bind ${problems.join(', ')} on ${listenIp}`;
  if (lecternRunning && problems.every((p) => p.endsWith('EADDRINUSE'))) return warn(name, detail, 'expected while this Lectern runs; otherwise stop what holds them');
  const fix = problems.some((p) => p.endsWith('EADDRNOTAVAIL'))
    ? 'set LECTERN_RTC_LISTEN_IP to an address of this machine (0.0.0.0 for all)'
    : 'free those ports or set LECTERN_RTC_PORT_BASE to a free range (one port per worker)';
  return fail(name, detail, fix);
}

function localAddresses(): Set<string> {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  return new Set(all.map((a) => a.address));
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

export async function checkAnnouncedAddress(config: Config): Promise<CheckResult> {
  const name = 'announced address';
  if (config.role === 'api') return ok(name, 'not an SFU node (LECTERN_ROLE=api)');
  const { announcedAddress, listenIp } = config.sfu;
  if (announcedAddress === undefined) {
    if (listenIp === '0.0.0.0' || listenIp === '::') return fail(name, `LECTERN_RTC_LISTEN_IP=${listenIp} and no announced address`, 'set LECTERN_RTC_ANNOUNCED_ADDRESS to the address clients reach this host at');
    if (isLoopback(listenIp)) return warn(name, `media is announced at ${listenIp}: only browsers on this machine can connect`, 'for other machines set LECTERN_RTC_LISTEN_IP and LECTERN_RTC_ANNOUNCED_ADDRESS');
    return ok(name, `clients reach media at ${listenIp} (the listen address)`);
  }
  const mine = localAddresses();
  if (isIP(announcedAddress)) {
    if (mine.has(announcedAddress)) return ok(name, `${announcedAddress} is an address of this machine`);
    return warn(name, `${announcedAddress} is not an address of this machine`, 'fine behind 1:1 NAT (a cloud public IP) if the RTC ports are forwarded here; otherwise fix LECTERN_RTC_ANNOUNCED_ADDRESS');
  }
  try {
    const addresses = (await within(lookup(announcedAddress, { all: true }), PROBE_MS, 'dns')).map((a) => a.address);
    const local = addresses.find((a) => mine.has(a));
    return ok(name, `${announcedAddress} resolves to ${addresses.join(', ')}${local ? ' (this machine)' : ''}`);
  } catch (err) {
    return fail(name, `${announcedAddress} does not resolve (${reason(err)})`, 'set LECTERN_RTC_ANNOUNCED_ADDRESS to this host\'s public IP or a name that resolves to it');
  }
}

/** host and port of a turn:/turns: URL (default ports 3478 and 5349). */
export function turnTarget(url: string): { host: string; port: number } | null {
  const m = /^turns?:(\[[^\]]+\]|[^:?]+)(?::(\d+))?/.exec(url);
  if (!m?.[1]) return null;
  const port = m[2] ? Number(m[2]) : url.startsWith('turns:') ? 5349 : 3478;
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export function tcpReachable(host: string, port: number, ms = PROBE_MS): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (err: string | null) => {
      socket.destroy();
      resolve(err);
    };
    socket.setTimeout(ms, () => done('timed out'));
    socket.once('connect', () => done(null));
    socket.once('error', (err) => done(errCode(err)));
  });
}

export async function checkTurn(config: Config): Promise<CheckResult> {
  const name = 'turn';
  if (!config.turn) return ok(name, 'not configured (clients behind strict firewalls may not connect; see deploy/coturn)');
  const targets = [...new Map(config.turn.urls.map((u) => turnTarget(u)).filter((t) => t !== null).map((t) => [`${t.host}:${t.port}`, t])).values()];
  const down: string[] = [];
  for (const t of targets) {
    const err = await tcpReachable(t.host, t.port);
    if (err) down.push(`${t.host}:${t.port} (${err})`);
  }
  if (down.length === 0) return ok(name, `reachable over TCP: ${targets.map((t) => `${t.host}:${t.port}`).join(', ')}`);
  return fail(name, `cannot connect to ${down.join(', ')}`, 'start coturn or fix LECTERN_TURN_URLS (and open its port in the firewall)');
}
