// SPDX-License-Identifier: Apache-2.0
// Validates docs/openapi.json against the official OpenAPI 3.1 JSON schema
// with @seriousme/openapi-schema-validator (a devDependency, installed by
// scripts/deps.sh), checks that every $ref resolves, and compiles every
// Schema Object with ajv in strict mode (JSON Schema 2020-12), which the
// OpenAPI schema leaves unchecked: a misspelt type or keyword fails. Fails
// with the validators' messages. Run by meson test as openapi/validate:
//   node tests/openapi/validate.mjs docs/openapi.json
import { readFile } from 'node:fs/promises';

let Validator, Ajv2020, addFormats;
try {
  ({ Validator } = await import('@seriousme/openapi-schema-validator'));
  Ajv2020 = (await import('ajv/dist/2020.js')).default;
  addFormats = (await import('ajv-formats')).default;
} catch (e) {
  console.error(`cannot load the validators (${e.message}): run npm ci, or scripts/deps.sh test`);
  process.exit(1);
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs OPENAPI.json');
  process.exit(2);
}

async function check(spec) {
  const v = new Validator();
  const res = await v.validate(spec);
  return { valid: res.valid, version: v.version, errors: res.errors, resolved: res.valid && v.resolveRefs() };
}

// Every `schema` of a parameter, header or media type, with its $refs
// resolved, compiled by ajv in strict mode; returns the messages.
let ajv = null;
function schemaErrors(node, where, out = []) {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    node.forEach((x, i) => schemaErrors(x, `${where}/${i}`, out));
    return out;
  }
  for (const [k, val] of Object.entries(node)) {
    if (k === 'schema' && val && typeof val === 'object') {
      if (!ajv) {
        ajv = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false });
        addFormats(ajv);
      }
      try {
        ajv.compile(val);
      } catch (e) {
        out.push(`${where}/schema: ${e.message}`);
      }
    } else {
      schemaErrors(val, `${where}/${k}`, out);
    }
  }
  return out;
}

const text = await readFile(file, 'utf8');
const doc = JSON.parse(text);
const res = await check(structuredClone(doc));
if (!res.valid) {
  console.error(`${file} is not a valid OpenAPI ${res.version ?? ''} document:`);
  const errors = Array.isArray(res.errors) ? res.errors : [res.errors];
  for (const e of errors) {
    if (typeof e === 'string') console.error(`  ${e}`);
    else console.error(`  ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params ?? {})}`);
  }
  process.exit(1);
}
if (res.version !== '3.1') {
  console.error(`${file}: validated as OpenAPI ${res.version}, want 3.1`);
  process.exit(1);
}

const bad = schemaErrors(res.resolved.paths, '#/paths');
if (bad.length) {
  console.error(`${file}: ${bad.length} schemas are not valid JSON Schema 2020-12:`);
  for (const m of bad) console.error(`  ${m}`);
  process.exit(1);
}

// The validators must reject what is wrong: a misspelt operation field, a
// type that does not exist.
const broken = structuredClone(doc);
const [firstPath] = Object.keys(broken.paths);
const op = Object.values(broken.paths[firstPath]).find((o) => o && o.operationId);
op.operationid = op.operationId;
if ((await check(broken)).valid) {
  console.error('the validator accepted a document with an unknown operation field');
  process.exit(1);
}
if (schemaErrors({ schema: { type: 'bool' } }, '#').length !== 1) {
  console.error('ajv accepted a schema with an unknown type');
  process.exit(1);
}

let operations = 0;
for (const item of Object.values(doc.paths))
  for (const m of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
    if (item[m]) operations++;
console.log(`${file}: valid OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths, ` +
  `${operations} operations; every schema valid JSON Schema 2020-12`);
