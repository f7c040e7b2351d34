// The repo's shape, checked: each DTO is declared once (server contracts, imported by the
// client), every API operation documents its 2xx body, and no source file grows past what
// one can read in a sitting.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MAX_LINES = 400;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'test') out.push(...sources(path));
    } else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

/** Names of types and interfaces a file declares (re-exports such as `export type { X }` are not declarations). */
function declaredTypes(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(/^export\s+(?:interface\s+([A-Za-z_]\w*)|type\s+([A-Za-z_]\w*)\s*(?:<[^=]*>)?\s*=)/gm)) names.push((m[1] ?? m[2])!);
  for (const m of text.matchAll(/^export\s+const\s+([A-Z]\w*)\s*=\s*z\./gm)) names.push(m[1]!);
  return names;
}

describe('repo shape', () => {
  it('contracts: no DTO name is declared both in client/src and server/src', () => {
    const server = new Map<string, string>();
    for (const f of sources(join(ROOT, 'server', 'src'))) for (const n of declaredTypes(f)) server.set(n, relative(ROOT, f));
    const clashes: string[] = [];
    for (const f of sources(join(ROOT, 'client', 'src'))) {
      for (const n of declaredTypes(f)) if (server.has(n)) clashes.push(`${n}: ${relative(ROOT, f)} and ${server.get(n)}`);
    }
    expect(clashes).toEqual([]);
  });

  it('source files: none over 400 lines in server/src, client/src, sfu/src (tests excluded)', () => {
    const long: string[] = [];
    for (const pkg of ['server', 'client', 'sfu']) {
      for (const f of sources(join(ROOT, pkg, 'src'))) {
        const lines = readFileSync(f, 'utf8').split('\n').length;
        if (lines > MAX_LINES) long.push(`${relative(ROOT, f)}: ${lines}`);
      }
    }
    expect(long).toEqual([]);
  });
});

describe('OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('openapi: every operation documents a 2xx response body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>> }>();
    const operations: string[] = [];
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        operations.push(`${method.toUpperCase()} ${path}`);
        const ok = Object.entries(op.responses ?? {}).some(([code, r]) => code === '204' || (/^2\d\d$/.test(code) && r.content !== undefined));
        if (!ok) undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(operations.length).toBeGreaterThanOrEqual(74);
    expect(undocumented).toEqual([]);
  });
});
