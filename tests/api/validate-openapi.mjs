#!/usr/bin/env node
// Checks the openshelld OpenAPI document (docs/openapi.json):
//  1. against the OpenAPI 3.1 schema, with @seriousme/openapi-schema-validator;
//  2. every local $ref resolves, and no $ref leaves the document;
//  3. our rules: every path starts with /v1/, every operation has a unique
//     operationId, and every non-2xx response of every operation is a $ref to
//     a problem response in components/responses (application/problem+json
//     with the Problem schema, its example's status matching the code);
//  4. every schema compiles as JSON Schema 2020-12 with unknown keywords
//     refused (a misspelt keyword is an error, not an annotation), and every
//     example validates against its schema.
// Usage: node validate-openapi.mjs FILE. Exit 0 valid, 1 invalid (each
// problem printed on stderr), 2 usage or unreadable file.
import { readFileSync } from "node:fs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const PROBLEM_TYPE = "application/problem+json";
const PROBLEM_SCHEMA = "#/components/schemas/Problem";

function usage(message) {
  if (message) console.error(`validate-openapi: ${message}`);
  console.error("usage: node validate-openapi.mjs FILE");
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 1 || args[0].startsWith("-")) usage(args.length ? `unexpected arguments: ${args.join(" ")}` : "");
const file = args[0];

// Loaded here rather than imported statically, so that a missing
// tests/api/node_modules is reported as such.
let Validator;
let Ajv2020;
try {
  ({ Validator } = await import("@seriousme/openapi-schema-validator"));
  const ajvModule = await import("ajv/dist/2020.js");
  Ajv2020 = ajvModule.default.default ?? ajvModule.default;
} catch (e) {
  if (e.code !== "ERR_MODULE_NOT_FOUND") throw e;
  console.error(`validate-openapi: ${e.message}`);
  console.error("validate-openapi: tests/api/node_modules is missing or incomplete; run scripts/setup.sh (it runs npm ci in tests/api)");
  process.exit(1);
}

let text;
try {
  text = readFileSync(file, "utf8");
} catch (e) {
  usage(`cannot read ${file}: ${e.message}`);
}

const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);

let doc;
try {
  doc = JSON.parse(text);
} catch (e) {
  console.error(`${file}: not JSON: ${e.message}`);
  process.exit(1);
}

// 1. The OpenAPI schema.
const validator = new Validator();
const result = await validator.validate(doc);
if (!result.valid) {
  console.error(`${file}: not a valid OpenAPI document (validator for ${validator.version ?? "unknown version"}):`);
  console.error(typeof result.errors === "string" ? result.errors : JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
if (doc.openapi !== "3.1.0") fail("openapi", `is ${JSON.stringify(doc.openapi)}, expected "3.1.0"`);

// 2. References.
function pointer(ref) {
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function walk(node, where, visit) {
  if (node === null || typeof node !== "object") return;
  visit(node, where);
  for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`, visit);
}

walk(doc, "#", (node, where) => {
  if (typeof node.$ref !== "string") return;
  if (!node.$ref.startsWith("#/")) fail(where, `$ref ${node.$ref} leaves the document`);
  else if (pointer(node.$ref) === undefined) fail(where, `$ref ${node.$ref} does not resolve`);
});

// 3. Our rules.
const operationIds = new Map();
function isProblemResponse(name) {
  const r = doc.components?.responses?.[name];
  if (!r) return `components/responses/${name} does not exist`;
  const types = Object.keys(r.content ?? {});
  if (types.length !== 1 || types[0] !== PROBLEM_TYPE) return `components/responses/${name} is not only ${PROBLEM_TYPE} (${types.join(", ") || "no content"})`;
  if (r.content[PROBLEM_TYPE].schema?.$ref !== PROBLEM_SCHEMA) return `components/responses/${name} does not use ${PROBLEM_SCHEMA}`;
  return null;
}

for (const [path, item] of Object.entries(doc.paths ?? {})) {
  if (!path.startsWith("/v1/")) fail(`paths/${path}`, "does not start with /v1/");
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const where = `${method.toUpperCase()} ${path}`;
    if (typeof op.operationId !== "string" || op.operationId === "") fail(where, "has no operationId");
    else if (operationIds.has(op.operationId)) fail(where, `operationId ${op.operationId} is also used by ${operationIds.get(op.operationId)}`);
    else operationIds.set(op.operationId, where);
    const codes = Object.keys(op.responses ?? {});
    if (!codes.some((c) => c.startsWith("2"))) fail(where, "has no 2xx response");
    for (const code of codes) {
      if (code.startsWith("2")) continue;
      const ref = op.responses[code].$ref;
      const prefix = "#/components/responses/";
      if (typeof ref !== "string" || !ref.startsWith(prefix)) {
        fail(`${where} ${code}`, "is not a $ref to a problem response in components/responses");
        continue;
      }
      const name = ref.slice(prefix.length);
      const why = isProblemResponse(name);
      if (why) {
        fail(`${where} ${code}`, why);
        continue;
      }
      const status = doc.components.responses[name].content[PROBLEM_TYPE].example?.status;
      if (status !== undefined && String(status) !== code) fail(`${where} ${code}`, `refers to ${name}, whose example has status ${status}`);
    }
  }
}

// 4. Schemas compile strictly, examples match them.
const ajv = new Ajv2020({
  strict: true, strictTypes: false, strictRequired: false, strictTuples: false,
  allowUnionTypes: true, validateFormats: false, allErrors: true,
});
ajv.addVocabulary(["discriminator", "xml", "externalDocs", "example"]);
const BASE = "urn:openshell:openapi";
const rewrite = (node) => {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/")
      ? `${BASE}#/$defs/${v.slice("#/components/schemas/".length)}` : rewrite(v);
  }
  return out;
};
let schemasUsable = true;
try {
  ajv.addSchema({ $id: BASE, $defs: rewrite(doc.components?.schemas ?? {}) });
  for (const name of Object.keys(doc.components?.schemas ?? {})) ajv.getSchema(`${BASE}#/$defs/${name}`);
} catch (e) {
  schemasUsable = false;
  fail("components/schemas", `not valid JSON Schema 2020-12: ${e.message}`);
}

function check(schema, value, where, label) {
  if (!schemasUsable) return;
  let validate;
  try {
    validate = ajv.compile(rewrite(schema));
  } catch (e) {
    fail(where, `schema is not valid JSON Schema 2020-12: ${e.message}`);
    return;
  }
  if (value !== undefined && !validate(value)) {
    fail(where, `${label} does not match its schema: ${ajv.errorsText(validate.errors, { dataVar: label })}`);
  }
}

walk(doc, "#", (node, where) => {
  if (where.startsWith("#/components/schemas")) {
    // Schema-level examples: each must match the schema it sits in.
    if (Array.isArray(node.examples) && (node.type || node.$ref || node.enum || node.properties)) {
      node.examples.forEach((ex, i) => check(node, ex, where, `examples[${i}]`));
    }
    return;
  }
  // Media types and parameters: schema plus example(s).
  if (node.schema && typeof node.schema === "object") {
    check(node.schema, undefined, `${where}/schema`, "schema");
    if (node.example !== undefined) check(node.schema, node.example, where, "example");
    for (const [k, ex] of Object.entries(node.examples ?? {})) {
      if (ex && typeof ex === "object" && "value" in ex) check(node.schema, ex.value, `${where}/examples/${k}`, "value");
    }
  }
});

if (failures.length) {
  console.error(`${file}: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
const operations = operationIds.size;
console.log(`${file}: valid OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths, ${operations} operations, every rule holds`);
