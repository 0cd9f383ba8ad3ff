// The same rule cases and declaration vectors through the wasm build and the
// native build: each must match the expected colour / fired rules, and the two
// builds' full answers must be identical (colour, reasons, advice, validity,
// next step, validation errors and normalised output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Build folders (relative to the repo root, or absolute): defaults build and build-wasm.
const nativeBuild = resolve(root, process.env.ANKANG_NATIVE_BUILD || 'build');
const wasmDir = join(resolve(root, process.env.ANKANG_WASM_BUILD || 'build-wasm'), 'wasm');
const require = createRequire(import.meta.url);
const AnkangCore = require(join(wasmDir, 'ankang_core.js'));
const core = await AnkangCore({ wasmBinary: readFileSync(join(wasmDir, 'ankang_core.wasm')) });
const native = JSON.parse(
  execFileSync(join(nativeBuild, 'tests', 'core_dump'), [root], { maxBuffer: 64 << 20 }).toString());
const load = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));

const caseFiles = readdirSync(join(root, 'tests', 'rules')).filter((f) => f.endsWith('.json')).sort();
assert.ok(caseFiles.length >= 3, 'rule case files for every preset');

for (const file of caseFiles) {
  test(`rule cases ${file}: wasm == expected == native`, () => {
    const suite = load(`tests/rules/${file}`);
    const ruleSet = readFileSync(join(root, 'shared', 'rules', `${suite.rule_set}.json`), 'utf8');
    assert.deepEqual(JSON.parse(core.checkRuleSet(ruleSet)), [], 'preset passes its shape check');
    const nativeResults = native.rule_cases[file];
    assert.equal(nativeResults.length, suite.cases.length);
    suite.cases.forEach((c, i) => {
      const got = JSON.parse(core.evaluate(ruleSet, JSON.stringify(c.facts)));
      assert.equal(got.color, c.expected.color, `${file} case "${c.name}": colour`);
      assert.deepEqual(got.reasons.map((r) => r.rule), c.expected.rules, `${file} case "${c.name}": rules`);
      assert.deepEqual(got, nativeResults[i], `${file} case "${c.name}": wasm and native differ`);
    });
    console.log(`# ${file}: ${suite.cases.length} cases, identical in wasm and native`);
  });
}

test('declaration vectors: wasm validation == native validation', () => {
  const vectors = load('tests/wasm/declarations.json');
  assert.equal(native.declarations.length, vectors.cases.length);
  let invalid = 0;
  vectors.cases.forEach((c, i) => {
    const got = JSON.parse(core.validateDeclaration(JSON.stringify(c.body), vectors.today));
    const want = native.declarations[i];
    assert.deepEqual(got.errors, want.errors, `"${c.name}": errors differ`);
    assert.deepEqual(got.normalized, want.normalized, `"${c.name}": normalised output differs`);
    if (!got.ok) invalid++;
  });
  assert.ok(invalid >= 15 && invalid < vectors.cases.length, 'both valid and invalid vectors');
  console.log(`# declarations: ${vectors.cases.length} vectors (${invalid} invalid), identical in wasm and native`);
});

test('specific validation answers in wasm', () => {
  const vectors = load('tests/wasm/declarations.json');
  const by = Object.fromEntries(vectors.cases.map((c) => [c.name, c.body]));
  const v = (name) => JSON.parse(core.validateDeclaration(JSON.stringify(by[name]), vectors.today));
  assert.equal(v('valid basic').ok, true);
  assert.equal(v('lower-case x normalised').normalized.person.id_number, '11010519491231002X');
  assert.deepEqual(v('wrong check character').errors.map((e) => [e.field, e.code]),
    [['person.id_number', 'checksum']]);
  const all = v('everything wrong').errors.map((e) => e.field);
  for (const f of ['person.name', 'person.id_number', 'person.phone', 'person.region',
    'health.temperature', 'commitment']) assert.ok(all.includes(f), `reports ${f}`);
  for (const e of v('everything wrong').errors) assert.ok(e.message_zh && e.message_en && e.code);
});

test('preview, regions, masks and token inspection in wasm', () => {
  const ruleSet = readFileSync(join(root, 'shared', 'rules', 'default.json'), 'utf8');
  const vectors = load('tests/wasm/declarations.json');
  const by = Object.fromEntries(vectors.cases.map((c) => [c.name, c.body]));
  const now = '2026-11-21T09:00:00+08:00';
  const green = JSON.parse(core.preview(JSON.stringify(by['valid basic']), ruleSet, '{}', now));
  assert.equal(green.color, 'green');
  const fever = JSON.parse(core.preview(JSON.stringify(by['fever']), ruleSet, '{}', now));
  assert.equal(fever.color, 'yellow');
  assert.ok(fever.reasons.length >= 1 && fever.reasons.every((r) => r.zh && r.en));
  const travel = JSON.parse(core.preview(JSON.stringify(by['travel ok']), ruleSet,
    JSON.stringify({ risk_areas: [{ region: '330100', level: 'high' }] }), now));
  assert.equal(travel.color, 'red', 'a city-level high-risk area covers its districts');
  assert.equal(core.maskName('张小三'), '张*三');
  const bad = JSON.parse(core.inspectToken('AK1:not-base45'));
  assert.equal(bad.ok, false);
  assert.ok(bad.error.length > 0);
});

test('token parsing and card rendering: wasm == native', () => {
  const t = JSON.parse(core.inspectToken(native.token));
  assert.equal(t.ok, true, t.error);
  assert.equal(t.kid, 'kid-test');
  assert.equal(t.alg, -8);
  assert.deepEqual(t.claims, {
    issuer: 'ankang-test', issued_at: 1795226400, expires_at: 1795226700, person_ref: 'p7Kq2mVx',
    color: 'yellow', name_masked: '张*三', id_tail: '123X', kind: 'screen',
  });
  assert.equal(Buffer.from(t.signature, 'base64url').length, 64);
  // An offline code: the same claims, its own kind and a day's validity.
  const o = JSON.parse(core.inspectToken(native.offline_token));
  assert.equal(o.ok, true, o.error);
  assert.deepEqual(o.claims, { ...t.claims, expires_at: 1795226400 + 86400, kind: 'offline' });
  const svg = core.renderCard(JSON.stringify({ size: 21, bits: native.card.bits }), JSON.stringify({
    color: 'red', name_masked: '欧**明', issued_at: '2026-11-21T08:00:00+08:00',
    valid_until: '2026-12-05T08:00:00+08:00', lang: 'zh',
  }));
  assert.equal(svg, native.card.svg);
  assert.ok(svg.startsWith('<svg'));
});
