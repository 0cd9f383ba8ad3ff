// Helpers for the HTTP tests: start the REAL ankang-server binary on a free
// loopback port with a temporary --data folder, talk JSON to it, stop or
// kill -9 it. The binary comes from $ANKANG_BUILD_DIR (default build/).
import { spawn, execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, existsSync, readFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const buildDir = process.env.ANKANG_BUILD_DIR || join(root, 'build');
export const serverBin = join(buildDir, 'server', 'ankang-server');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'ankang-http-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// With ANKANG_TEST_PG=<postgresql://.../postgres?...> (and ANKANG_TEST_PSQL,
// the psql binary) every server gets a fresh PostgreSQL database through
// --db instead of SQLite (postgres.test.mjs runs suites this way).
let pgSeq = 0;
export function freshPgDatabase() {
  const admin = process.env.ANKANG_TEST_PG;
  const name = `t_${process.pid}_${++pgSeq}`;
  execFileSync(process.env.ANKANG_TEST_PSQL || 'psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
  return admin.replace('/postgres?', `/${name}?`);
}

// Starts the server; resolves once /healthz answers. Returns a handle.
// `wrap`: a command line the server runs under, e.g. ['prlimit', '--nofile=64:64', '--']
// (proc is then that command, which execs the server: the same process).
export async function startServer({ dev = true, args = [], data = tempDir(), port, quiet = true, wrap = [] } = {}) {
  if (!existsSync(serverBin)) throw new Error(`no server binary at ${serverBin}`);
  if (process.env.ANKANG_TEST_PG && !args.includes('--db')) args = [...args, '--db', freshPgDatabase()];
  port = port || (await freePort());
  const argv = ['--host', '127.0.0.1', '--port', String(port), '--data', data, ...(quiet ? ['--quiet'] : []),
    '--otp-per-ip-per-hour', '100000', ...(dev ? ['--dev'] : []), ...args];
  const proc = wrap.length ? spawn(wrap[0], [...wrap.slice(1), serverBin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(serverBin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, sig })));
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  const handle = {
    base, port, data, proc, exited,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      proc.kill('SIGKILL');
      return exited;
    },
    cleanup() { rmSync(data, { recursive: true, force: true }); },
  };
  return handle;
}

// The OpenAPI description every answer of call() is checked against
// (server/api/openapi.json; ajv from npm, JSON Schema 2020-12). An answer
// whose method + path template + status is not described, whose content type
// is not the one described, or whose body does not match its schema throws.
// Paths outside the API (pages) are not checked.
const OPENAPI_ID = 'https://ankang.invalid/openapi.json';
let openapi = null;
export const openapiStats = { validated: 0, answers: {} };
// ANKANG_OPENAPI_COUNT=FILE: each test process appends one JSON line there:
// {"validated": n, "answers": {"GET /api/v1/keys 200": count, ...}}.
if (process.env.ANKANG_OPENAPI_COUNT) {
  process.on('exit', () => appendFileSync(process.env.ANKANG_OPENAPI_COUNT, `${JSON.stringify(openapiStats)}\n`));
}

async function loadOpenApi() {
  if (openapi) return openapi;
  let Ajv2020;
  try {
    Ajv2020 = (await import('ajv/dist/2020.js')).default;
  } catch (e) {
    throw new Error(`the HTTP tests validate answers with ajv: run scripts/deps.sh (npm install) first (${e.message})`);
  }
  const doc = JSON.parse(readFileSync(join(root, 'server', 'api', 'openapi.json'), 'utf8'));
  // strict: false lets the OpenAPI keywords around the schemas be. The one
  // format used, date-time, is ISO 8601 with an offset (SPEC §5).
  // Only the components are added as a document (ajv walks a document it
  // resolves into, and the whole description is large); each response schema
  // is compiled alone, its "#/components/..." references made absolute.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  ajv.addSchema({ $id: OPENAPI_ID, components: doc.components });
  for (const name of Object.keys(doc.components.schemas)) ajv.getSchema(`${OPENAPI_ID}#/components/schemas/${name}`);
  const routes = Object.keys(doc.paths).map((template) => {
    const segs = template.split('/').filter(Boolean);
    return { template, segs, params: segs.filter((s) => s.startsWith('{')).length };
  });
  openapi = { doc, ajv, routes, validators: new Map() };
  return openapi;
}

// The described path template for method + path as server/http/router.cc
// picks it (among the templates with that method a fixed segment beats a
// parameter), else any template of that path (405), else null (404).
function findTemplate(doc, routes, method, path) {
  if (path.length > 1 && path.endsWith('/')) return null;
  const parts = path.split('/').filter(Boolean);
  let best = null;
  let any = null;
  for (const r of routes) {
    if (r.segs.length !== parts.length) continue;
    if (!r.segs.every((s, i) => s.startsWith('{') || s === parts[i])) continue;
    any = any || r;
    if (!doc.paths[r.template][method.toLowerCase()]) continue;
    if (!best || r.params < best.params) best = r;
  }
  return (best || any) && (best || any).template;
}

const escPointer = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

class SoftMismatch extends Error {}

// Throws unless the answer {status, json, text, contentType} to method + path
// is described. Exported for tests/server/openapi.test.mjs.
export async function checkAnswer(method, fullPath, { status, json, text, contentType }) {
  const path = fullPath.split('?')[0].split('#')[0];
  const api = path.startsWith('/api/') || path === '/api' || path === '/healthz' || path === '/metrics';
  if (!api || method === 'HEAD' || method === 'OPTIONS') return false;
  const { doc, ajv, routes, validators } = await loadOpenApi();
  const template = findTemplate(doc, routes, method, path);
  const op = template && doc.paths[template][method.toLowerCase()];
  const where = `${method} ${fullPath}${template && template !== path ? ` (${template})` : ''}`;
  const fail = (why) => {
    const message = `openapi: ${where} answered ${status}: ${why}\n  body: ${String(text).slice(0, 400)}`;
    // ANKANG_OPENAPI_LOG=FILE: note each mismatch there and go on (for editing the description).
    if (!process.env.ANKANG_OPENAPI_LOG) throw new Error(message);
    appendFileSync(process.env.ANKANG_OPENAPI_LOG, `${message}\n`);
    throw new SoftMismatch();
  };
  let schemaPointer = null;
  let media = 'application/json';
  if (!op) {
    // No such route: 404 (no path), 405 (another method), or the skin's 400 / 413.
    const expected = !template ? [404, 400, 413] : [405, 400, 413];
    if (!expected.includes(status)) fail(`no operation ${method} ${template || path} is described, and this is not a ${expected.join('/')} error`);
    schemaPointer = '/components/schemas/Error';
  } else {
    const res = op.responses[String(status)];
    if (!res) fail(`status ${status} is not described (described: ${Object.keys(op.responses).join(', ')})`);
    const got = String(contentType || '').split(';')[0].trim();
    const types = Object.keys(res.content || {});
    if (types.length === 0) {
      if (text) fail('a body where none is described');
      counted(`${method} ${template} ${status}`);
      return true;
    }
    if (!types.includes(got)) fail(`content type ${got || '(none)'}, described: ${types.join(', ')}`);
    media = got;
    schemaPointer = `/paths/${escPointer(template)}/${method.toLowerCase()}/responses/${status}/content/${escPointer(media)}/schema`;
  }
  if (media === 'application/json') {
    if (json === null && text !== 'null') fail('the body is not JSON');
    let validate = validators.get(schemaPointer);
    if (!validate) {
      const schema = schemaPointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((o, k) => o && o[k], doc);
      if (!schema) throw new Error(`openapi: no schema at ${schemaPointer}`);
      validate = ajv.compile(JSON.parse(JSON.stringify(schema), (k, v) =>
        (k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? OPENAPI_ID + v : v)));
      validators.set(schemaPointer, validate);
    }
    if (!validate(json)) {
      const errs = validate.errors.slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}${e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}`);
      fail(`the body does not match the description:\n    ${errs.join('\n    ')}`);
    }
  }
  counted(op ? `${method} ${template} ${status}` : `(no route) ${status}`);
  return true;
}

function counted(key) {
  openapiStats.validated += 1;
  openapiStats.answers[key] = (openapiStats.answers[key] || 0) + 1;
}

// Loaded here, before any test times a request.
await loadOpenApi();

// JSON request: resolves {status, json, text, headers}; the answer is checked
// against the OpenAPI description (checkAnswer).
export async function call(base, method, path, { body, token, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  try {
    await checkAnswer(method, path, { status: res.status, json, text, contentType: res.headers.get('content-type') });
  } catch (e) {
    if (!(e instanceof SoftMismatch)) throw e;
  }
  return { status: res.status, json, text, headers: res.headers };
}

// A raw request (fetch decodes bodies itself and picks its own source address):
// resolves {status, headers, body: Buffer}.
export function rawGet(port, path, headers = {}, { method = 'GET', localAddress, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, localAddress }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let phoneSeq = Math.floor(Math.random() * 1e6);
export function newPhone() {
  phoneSeq += 1;
  return `136${String(phoneSeq % 1e8).padStart(8, '0')}`;
}

export async function loginResident(base, phone = newPhone()) {
  const otp = await call(base, 'POST', '/api/v1/auth/otp', { body: { phone } });
  if (otp.status !== 202) throw new Error(`otp ${otp.status} ${otp.text}`);
  const login = await call(base, 'POST', '/api/v1/auth/login', { body: { phone, code: otp.json.dev_code } });
  if (login.status !== 200) throw new Error(`login ${login.status} ${login.text}`);
  return login.json.token;
}

export async function loginStaff(base, username, password = 'ankang-dev') {
  const r = await call(base, 'POST', '/api/v1/auth/staff', { body: { username, password } });
  if (r.status !== 200) throw new Error(`staff login ${username}: ${r.status} ${r.text}`);
  return r.json.token;
}

// GB 11643 check character.
export function residentId(seq, region = '110105', birth = '19900101') {
  const first17 = `${region}${birth}${String(seq % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

let idSeq = 0;
let birthYear = 1950 + Math.floor(Math.random() * 50);
// A fresh valid ID (distinct birth dates keep them unique across many tests).
export function newId() {
  idSeq += 1;
  if (idSeq >= 999) { idSeq = 1; birthYear += 1; }
  return residentId(idSeq, '110105', `${birthYear}0101`);
}

export function declaration({ name = '张小三', id = newId(), region = '110105', relation = 'self',
  temperature = 36.5, symptoms = [], travel = [], contact = 'none', arrived } = {}) {
  const d = {
    person: { name, id_type: 'resident_id', id_number: id, phone: '13800000000', nationality: 'CHN',
      region, address: '1 Test Road', relation },
    health: { temperature, symptoms, fever_clinic_14d: false },
    travel_14d: travel,
    contact_14d: contact,
    commitment: true,
  };
  if (arrived) d.arrived_from_overseas_on = arrived;
  return d;
}

export function sqlite(dbPath, sql) {
  return execFileSync('sqlite3', [dbPath, sql]).toString().trim();
}
