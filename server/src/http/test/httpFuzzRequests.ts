// Test-only: schema-violating requests for the HTTP fuzzer, derived from each operation in
// /openapi.json: a body that breaks its schema (invalid JSON, wrong content type, wrong
// type, a required field missing, a field of the wrong type or over its maxLength, deep
// nesting), query parameters of the wrong type, path parameters that are not what the
// route declares. Every request is invalid by construction, so none may write.
import { hostile, type Prng } from '../../test/fuzz.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minLength?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  default?: unknown;
}

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  key: string;
  method: string;
  path: string;
  params: Parameter[];
  body: JsonSchema | undefined;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What was broken, for the report. */
  kind: string;
}

type Doc = { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> };

export function operations(doc: Doc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return ops;
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : (s.type ?? s.anyOf?.map(typeOf).find(Boolean)));

/** A value that fits the property's declared type (not necessarily every constraint). */
function sample(s: JsonSchema): unknown {
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      if (s.format === 'uuid') return crypto.randomUUID();
      if (s.format === 'date-time') return new Date(Date.UTC(2031, 0, 1)).toISOString();
      if (s.format === 'email') return 'fuzz@example.test';
      if (s.format === 'uri') return 'https://example.test/';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return 10;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    case undefined:
    default:
      return 'x';
  }
}

/** A value of a type the property does not accept. */
function wrongType(r: Prng, s: JsonSchema): unknown {
  switch (typeOf(s)) {
    case 'string':
      return r.pick([{}, [], 12, true, [s.enum?.[0] ?? 'x']]);
    case 'integer':
    case 'number':
      return r.pick(['abc', {}, [], true, '1e400', 'Infinity']);
    case 'boolean':
      return r.pick(['yes', 2, {}, []]);
    case 'array':
      return r.pick(['x', 5, { 0: 'a' }]);
    case undefined:
    default:
      return r.pick(['x', 5, [1]]);
  }
}

function validish(s: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, sample(p)]));
}

const INVALID_JSON = ['{', '{"a":', '[1,', 'nul', '{"a":1}}', '\u0000', "{'a':1}", '{"a":1,}', '\uFEFF{', '{"a":"\\ud800"'];

/** A body that the operation's schema refuses, and how it is sent. */
function badBody(r: Prng, s: JsonSchema): { payload: string; contentType: string; kind: string } {
  const json = (v: unknown, kind: string) => ({ payload: JSON.stringify(v), contentType: 'application/json', kind });
  const props = Object.entries(s.properties ?? {});
  const required = s.required ?? [];
  const roll = r.int(9);
  if (roll === 0) return { payload: r.pick(INVALID_JSON), contentType: 'application/json', kind: 'invalid JSON' };
  if (roll === 1) return { payload: '', contentType: 'application/json', kind: 'empty JSON body' };
  if (roll === 2) {
    const bad = required.length > 0 ? omit(validish(s), r.pick(required)) : { ...validish(s), [props[0]?.[0] ?? 'x']: {} };
    return { payload: r.pick([JSON.stringify(bad), 'a=1&b=2', '<x/>']), contentType: r.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/xml']), kind: 'wrong content type' };
  }
  if (roll === 3) return json(r.pick([[], 'x', 5, null, true, [validish(s)]]), 'body of the wrong type');
  if (roll === 4 && required.length > 0) return json(omit(validish(s), r.pick(required)), 'required field missing');
  const strings = props.filter(([, p]) => typeOf(p) === 'string' && p.maxLength !== undefined && !p.enum);
  if (roll === 5 && strings.length > 0) {
    const [k, p] = r.pick(strings);
    return json({ ...validish(s), [k]: 'x'.repeat(p.maxLength! + 1 + r.int(200_000)) }, 'string over its maxLength');
  }
  if (roll === 6 && props.length > 0) {
    const [k, p] = r.pick(props.filter(([, q]) => typeOf(q) !== undefined));
    if (typeOf(p) === 'object') return json({ ...validish(s), [k]: 'x' }, 'field of the wrong type');
    // Written as text: too deep for JSON.stringify.
    const n = 100 + r.int(50_000);
    const nested = r.chance(0.5) ? `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` : `${'['.repeat(n)}${']'.repeat(n)}`;
    return { payload: JSON.stringify({ ...validish(s), [k]: '@DEEP@' }).replace('"@DEEP@"', nested), contentType: 'application/json', kind: 'deep nesting' };
  }
  if (props.length > 0) {
    const typed = props.filter(([, q]) => typeOf(q) !== undefined);
    if (typed.length > 0) {
      const [k, p] = r.pick(typed);
      return json({ ...validish(s), [k]: wrongType(r, p), [`extra${r.int(9)}`]: hostile(r, 100_000) }, 'field of the wrong type');
    }
  }
  return json(r.pick([[], 'x', 5, null]), 'body of the wrong type');
}

function omit(o: Record<string, unknown>, k: string): Record<string, unknown> {
  const { [k]: _gone, ...rest } = o;
  return rest;
}

const BAD_PARAMS = ['%', '%E0%A4%A', '%uD800', 'not-a-uuid', 'x'.repeat(5000), '%00', '..%2F..%2Fetc%2Fpasswd', '-1', '{3f1c2b7e-8a4d-4c2e-9b1f-6d5e4a3b2c1d}', '%C3%A4', '%FF%FE', "1'%20OR%20'1'='1", '__proto__', '00000000-0000-0000-0000-00000000000g'];
const PARAM_VALUES: Record<string, string> = { code: 'ABCDEFGH', handle: 'some-host', token: 'a'.repeat(43), file: 'track-1.mkv' };

/** Query values of the wrong type for the declared parameters (a required one left out sometimes). */
function badQuery(r: Prng, params: Parameter[]): string {
  const parts: string[] = [];
  for (const p of params.filter((x) => x.in === 'query')) {
    if (p.required && r.chance(0.3)) continue;
    const t = p.schema ? typeOf(p.schema) : undefined;
    const v =
      t === 'integer' || t === 'number'
        ? r.pick(['abc', '-1', '1e400', '1.5', '99999999999999999999', ''])
        : p.schema?.format === 'date-time' || p.name === 'from' || p.name === 'to'
          ? r.pick(['yesterday', '2024-13-45T99:99:99Z', '0', 'x'.repeat(3000)])
          : p.schema?.format === 'uuid'
            ? r.pick(['nope', '1'])
            : r.pick(['%00', 'x'.repeat(10_000), 'zzz', '%E0%A4%A']);
    parts.push(`${p.name}=${v}`);
    if (r.chance(0.2)) parts.push(`${p.name}=${v}`); // repeated: an array where a scalar is expected
  }
  if (r.chance(0.2)) parts.push(`__proto__[x]=1`, `constructor=${'y'.repeat(500)}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/**
 * One invalid request for `op`. `realIds` are ids of rows that exist; they are used only when
 * the body is broken too (so the request must be refused before it reaches them).
 */
export function fuzzRequest(r: Prng, op: Operation, auth: Record<string, string>, realIds: string[]): FuzzRequest {
  const body = op.body ? badBody(r, op.body) : op.method === 'POST' && op.path.endsWith('/files') ? badMultipart(r) : undefined;
  const kinds: string[] = body ? [body.kind] : [];
  const hasQuery = op.params.some((p) => p.in === 'query');
  const breakQuery = hasQuery && (r.chance(0.4) || !body);
  const breakParam = op.params.some((p) => p.in === 'path') && (r.chance(0.4) || (!body && !breakQuery));
  const paramToBreak = breakParam ? r.pick(op.params.filter((p) => p.in === 'path')).name : undefined;
  const url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === paramToBreak) return r.pick(BAD_PARAMS);
    if (PARAM_VALUES[name]) return PARAM_VALUES[name];
    return body && r.chance(0.5) ? r.pick(realIds) : crypto.randomUUID();
  });
  if (paramToBreak) kinds.push(`bad path param ${paramToBreak}`);
  const query = breakQuery ? badQuery(r, op.params) : '';
  if (query) kinds.push('bad query');
  const headers: Record<string, string> = { ...auth };
  let payload: string | undefined;
  if (body) {
    headers['content-type'] = body.contentType;
    payload = body.payload;
  } else if (op.method !== 'GET' && op.method !== 'DELETE' && (r.chance(0.5) || kinds.length === 0)) {
    // No body declared: only a body no parser takes (the route may act on any other).
    headers['content-type'] = 'application/json';
    payload = r.pick(INVALID_JSON);
    kinds.push('invalid JSON');
  }
  return { method: op.method, url: `${url}${query}`, headers, payload, kind: kinds.join(', ') || 'none' };
}

/** A multipart upload that is broken: no boundary, a truncated part, no file part, a part without a name. */
function badMultipart(r: Prng): { payload: string; contentType: string; kind: string } {
  const b = 'fuzzboundary';
  const variants: [string, string][] = [
    ['multipart/form-data', `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\nabc\r\n--${b}--\r\n`],
    [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc`],
    [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data; name="title"\r\n\r\nno file\r\n--${b}--\r\n`],
    [`multipart/form-data; boundary=${b}`, `--${b}\r\nContent-Disposition: form-data\r\n\r\n${'x'.repeat(r.int(5000))}\r\n--${b}--\r\n`],
    [`multipart/form-data; boundary=${b}`, 'garbage without any boundary'],
    [`multipart/form-data; boundary=${'b'.repeat(200)}`, ''],
  ];
  const [contentType, payload] = r.pick(variants);
  return { payload, contentType, kind: 'broken multipart' };
}
