// The deploy files cannot be run here (no container engine), so they are checked the
// next best way: they parse, they are internally consistent, and every Lectern service's
// environment is accepted by the real loadConfig().
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../server/src/config.js';

const DEPLOY = new URL('.', import.meta.url).pathname;
const ROOT = join(DEPLOY, '..');
const read = (p: string) => readFileSync(join(DEPLOY, p), 'utf8');

type Env = Record<string, string>;
interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean>;
  depends_on?: Record<string, unknown> | string[];
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
  command?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
const envFile = (p: string): Env =>
  Object.fromEntries(
    read(p)
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const exampleEnv = envFile('env.example');
const isSecretName = (k: string) => /SECRET|PASSWORD|PRIVATE_KEY|_URL$/.test(k) && !/PUBLIC/.test(k);
/** What an operator puts in: a fresh random value for every secret (hex: it goes into URLs too). */
const filledIn = (env: Env): Env => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, isSecretName(k) && v === '' ? randomBytes(32).toString('hex') : v]));

describe('example secrets', () => {
  it('example secrets are empty, so an unedited deployment refuses to start', () => {
    const secrets = Object.keys(exampleEnv).filter(isSecretName);
    expect(secrets.sort()).toEqual(['LECTERN_JWT_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'TURN_SECRET']);
    for (const k of secrets) expect(exampleEnv[k], k).toBe('');
    const k8sSecret = envFile('k8s/secret.env.example');
    expect(Object.keys(k8sSecret).sort()).toEqual(['DATABASE_URL', 'LECTERN_JWT_SECRET', 'LECTERN_TURN_SECRET', 'REDIS_URL']);
    for (const [k, v] of Object.entries(k8sSecret)) expect(v, k).toBe('');
    // Nothing under deploy/ ships a value for a secret anywhere else either.
    for (const f of ['compose.yml', 'k8s/config.yaml', 'k8s/api.yaml', 'k8s/sfu.yaml']) expect(read(f), f).not.toMatch(/change-?me/i);
  });

  it('example secrets: kubectl apply -k never creates or overwrites the Secret', () => {
    const k = parse(read('k8s/kustomization.yaml')) as { resources: string[]; secretGenerator?: unknown };
    expect(k.secretGenerator).toBeUndefined();
    for (const f of k.resources) for (const d of parseAllDocuments(read(`k8s/${f}`))) expect((d.toJS() as { kind: string }).kind, f).not.toBe('Secret');
    expect(read('k8s/secret.env.example')).toMatch(/kubectl -n lectern create secret generic lectern-secrets --from-env-file=/);
  });
});

/** Compose-style interpolation: ${VAR}, ${VAR:-default}, ${VAR:?message}; $$ is a literal $. */
function interpolate(value: string, env: Env): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (m, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (m === '$$') return '$';
    const v = env[name!];
    if (v !== undefined && v !== '') return v;
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`compose: ${name} is required (${arg})`);
    return '';
  });
}

describe('deploy/compose.yml', () => {
  const compose = parse(read('compose.yml'), { merge: true }) as Compose;
  const services = compose.services;
  const lectern = Object.entries(services).filter(([, s]) => s.environment?.LECTERN_ROLE !== undefined);

  it('compose has Postgres, Redis, coturn, two API nodes, two SFU nodes and a reverse proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['api-1', 'api-2', 'coturn', 'postgres', 'proxy', 'redis', 'sfu-1', 'sfu-2']);
    expect(lectern.map(([n, s]) => `${n}:${String(s.environment?.LECTERN_ROLE)}`).sort()).toEqual(['api-1:api', 'api-2:api', 'sfu-1:sfu', 'sfu-2:sfu']);
    for (const [, s] of lectern) expect(s.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('compose references only services, volumes and files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(services[d], `${name} depends on ${d}`).toBeDefined();
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (src.startsWith('.')) expect(existsSync(join(DEPLOY, src)), `${name} mounts ${src}`).toBe(true);
        else expect(compose.volumes?.[src], `${name} uses volume ${src}`).not.toBeUndefined();
      }
    }
  });

  it('compose gives every Lectern node an environment that loadConfig accepts', () => {
    const nodeIds = new Set<string>();
    const filled = filledIn(exampleEnv);
    for (const [name, s] of lectern) {
      const env: Env = {};
      for (const [k, v] of Object.entries(s.environment ?? {})) env[k] = interpolate(String(v), filled);
      const config = loadConfig(env);
      expect(config.redisUrl, name).toMatch(/^redis:\/\/:.+@redis:6379/);
      expect(config.databaseUrl, name).toMatch(/@postgres:5432\//);
      expect(config.turn?.urls.length, name).toBe(2);
      expect(config.host).toBe('0.0.0.0');
      nodeIds.add(config.cluster.nodeId);
    }
    expect(nodeIds.size).toBe(4);
    expect(() => interpolate(String(services['api-1']!.environment!.LECTERN_JWT_SECRET), exampleEnv)).toThrow(/LECTERN_JWT_SECRET is required \(set LECTERN_JWT_SECRET \(openssl rand -base64 48\)\)/);
    expect(() => interpolate(String(services['api-1']!.environment!.LECTERN_TURN_SECRET), exampleEnv)).toThrow(/TURN_SECRET is required.*openssl rand/);
    expect(() => interpolate(String(services.postgres!.environment!.POSTGRES_PASSWORD), exampleEnv)).toThrow(/POSTGRES_PASSWORD is required.*openssl rand -hex/);
  });

  it('compose publishes each SFU node’s WebRtcServer ports, distinct per node', () => {
    const used = new Set<number>();
    for (const name of ['sfu-1', 'sfu-2']) {
      const s = services[name]!;
      const base = Number(s.environment?.LECTERN_RTC_PORT_BASE);
      const workers = Number(s.environment?.LECTERN_SFU_WORKERS);
      for (const proto of ['udp', 'tcp']) {
        const mapping = (s.ports ?? []).find((p) => p.endsWith(`/${proto}`));
        expect(mapping, `${name} ${proto}`).toBe(`${base}-${base + workers - 1}:${base}-${base + workers - 1}/${proto}`);
      }
      for (let p = base; p < base + workers; p++) {
        expect(used.has(p)).toBe(false);
        used.add(p);
      }
    }
  });

  it('compose proxies to both API nodes and coturn uses the shared secret', () => {
    const caddy = read('caddy/Caddyfile');
    expect(caddy).toMatch(/reverse_proxy api-1:3000 api-2:3000/);
    expect(caddy).toMatch(/health_uri \/readyz/);
    expect(services.coturn!.command).toContain('--static-auth-secret=${TURN_SECRET:?set TURN_SECRET (openssl rand -base64 48)}');
    expect(read('coturn/turnserver.conf')).toMatch(/^use-auth-secret$/m);
  });
});

describe('deploy/k8s manifests', () => {
  const files = (parse(read('k8s/kustomization.yaml')) as { resources: string[] }).resources;
  const docs = files.flatMap((f) =>
    parseAllDocuments(read(`k8s/${f}`)).map((d) => {
      expect(d.errors, f).toEqual([]);
      return d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
    }),
  );
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  type Container = {
    env?: { name: string; value?: string }[];
    envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    readinessProbe?: { httpGet: { path: string; port: string } };
    livenessProbe?: { httpGet: { path: string; port: string } };
    ports?: { name: string; containerPort: number }[];
  };
  const podOf = (d: unknown) => (d as { spec: { template: { spec: { containers: Container[]; hostNetwork?: boolean; securityContext?: { runAsNonRoot?: boolean } } } } }).spec.template.spec;

  it('k8s manifests parse, and every object is named and namespaced', () => {
    expect(docs.length).toBeGreaterThanOrEqual(7); // the Secret is not among them (see secret.env.example)
    for (const d of docs) {
      expect(d.apiVersion && d.kind && d.metadata.name, JSON.stringify(d.metadata)).toBeTruthy();
      if (d.kind !== 'Namespace') expect(d.metadata.namespace).toBe('lectern');
    }
  });

  it('k8s API Deployment has readiness on /readyz and liveness on /healthz, non-root', () => {
    const pod = podOf(find('Deployment', 'lectern-api'));
    const c = pod.containers[0]!;
    expect(c.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(c.ports?.map((p) => p.name)).toContain(c.readinessProbe?.httpGet.port);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
  });

  it('k8s SFU pods use host networking and probes on their health port', () => {
    const pod = podOf(find('DaemonSet', 'lectern-sfu'));
    expect(pod.hostNetwork).toBe(true);
    const c = pod.containers[0]!;
    expect(c.env?.find((e) => e.name === 'LECTERN_ROLE')?.value).toBe('sfu');
    expect(c.readinessProbe?.httpGet.port).toBe('health');
    expect(c.ports?.find((p) => p.name === 'health')?.containerPort).toBe(Number(c.env?.find((e) => e.name === 'PORT')?.value));
  });

  it('k8s ConfigMap and the documented Secret give a configuration loadConfig accepts, and refuses unfilled', () => {
    const cm = find('ConfigMap', 'lectern-config') as unknown as { data: Env };
    const template = envFile('k8s/secret.env.example');
    const secret = {
      stringData: {
        ...filledIn(template),
        DATABASE_URL: `postgres://lectern:${randomBytes(16).toString('hex')}@postgres.lectern.svc:5432/lectern`,
        REDIS_URL: `rediss://:${randomBytes(16).toString('hex')}@redis.lectern.svc:6380/0`,
      },
    };
    expect(() => loadConfig({ ...cm.data, ...template })).toThrow(/LECTERN_TURN_SECRET must be set together.*openssl rand -base64 48/);
    for (const kind of ['Deployment', 'DaemonSet']) {
      for (const d of docs.filter((x) => x.kind === kind)) {
        const c = podOf(d).containers[0]!;
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) expect(find('ConfigMap', from.configMapRef.name)).toBeDefined();
          if (from.secretRef) expect(from.secretRef.name).toBe('lectern-secrets');
        }
        const own = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? 'from-field']));
        const config = loadConfig({ ...cm.data, ...secret.stringData, ...own, LECTERN_RTC_ANNOUNCED_ADDRESS: '203.0.113.10' });
        expect(config.redisUrl).toBeDefined();
        expect(config.turn).toBeDefined();
      }
    }
  });
});

describe('Dockerfile', () => {
  const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('Dockerfile builds in stages and runs slim, non-root, with a health check', () => {
    const stages = [...docker.matchAll(/^FROM (\S+) AS (\S+)/gm)].map((m) => [m[1], m[2]]);
    expect(stages).toEqual([
      ['node:${NODE_VERSION}-bookworm', 'build'],
      ['node:${NODE_VERSION}-bookworm', 'prod-deps'],
      ['node:${NODE_VERSION}-bookworm-slim', 'runtime'],
    ]);
    expect(docker).toMatch(/scripts\/worker\/ensure-worker\.sh/);
    expect(docker).toMatch(/-t bookworm-backports meson/);
    expect(docker).toMatch(/^USER lectern$/m);
    expect(docker).toMatch(/^EXPOSE 3000 /m);
    expect(docker).toMatch(/^HEALTHCHECK .*/m);
    expect(docker).toMatch(/\/healthz/);
    for (const p of ['server/dist', 'db/migrations', 'client/dist', 'sfu/dist']) expect(docker).toContain(`COPY --from=build /src/${p} ${p}`);
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
    expect(ignore).toMatch(/^\*\*\/node_modules$/m);
    expect(ignore).toMatch(/^\.env$/m);
  });

  it('Dockerfile installs node modules with the very command scripts/setup.sh uses (npm ci fails on this lock file)', () => {
    const npmOf = (text: string) => [...text.matchAll(/^\s*(?:RUN\s+)?(MEDIASOUP_WORKER_BIN=\S+\s+npm\s+(?:ci|install|i)\b[^\n]*)$/gm)].map((m) => m[1]!.trim());
    const [setup, ...more] = npmOf(readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8'));
    expect(setup).toBe('MEDIASOUP_WORKER_BIN=/dev/null npm install --no-audit --no-fund --loglevel=error');
    expect(more).toEqual([]);
    // The build stage installs as setup.sh does; the production stage the same, without dev dependencies.
    expect(npmOf(docker)).toEqual([setup, setup!.replace('npm install', 'npm install --omit=dev')]);
    expect(docker.split('\n').filter((l) => !l.trimStart().startsWith('#'))).not.toContainEqual(expect.stringMatching(/npm ci\b/));
  });

  it('Dockerfile runs what npm start runs: node server/dist/main.js', () => {
    const start = /^exec (node [^\n]+)$/m.exec(readFileSync(join(ROOT, 'scripts/start.sh'), 'utf8'))?.[1];
    expect(start).toBe('node --enable-source-maps server/dist/main.js');
    const cmd = /^CMD (\[.*\])$/m.exec(docker)?.[1];
    expect((JSON.parse(cmd!) as string[]).join(' ')).toBe(start);
  });
});
