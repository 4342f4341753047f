#!/usr/bin/env node
// Checks the openshelld OpenAPI document (docs/openapi.json):
//  1. against the OpenAPI 3.1 schema, with @seriousme/openapi-schema-validator;
//  2. every local $ref resolves, and no $ref leaves the document;
//  3. our rules: every path starts with /v1/, every operation has a unique
//     operationId, and every non-2xx response of every operation is a $ref to
//     a problem response in components/responses (application/problem+json
//     with the Problem schema, its example's status matching the code);
//  4. every schema compiles as JSON Schema 2020-12 with unknown keywords
//     refused (a misspelt keyword is an error, not an annotation), every
//     example validates against its schema, and every application/x-ndjson
//     media type names the schema of one line in x-openshell-line-schema.
// Usage: node validate-openapi.mjs FILE [--responses DIR]. Exit 0 valid,
// 1 invalid (each problem printed on stderr), 2 usage or unreadable file.
//
// With --responses DIR, the document is checked as above and then every
// *.json file in DIR is a recorded response to check against it:
//   {"method":"GET","route":"/v1/sessions/{id}","status":200,
//    "contentType":"application/json","body":"<the raw body text>"}
// route is the document's path template. The operation must exist and
// document the status. application/json and application/problem+json bodies
// are parsed and validated against the documented schema for that status and
// content type; application/x-ndjson bodies line by line against the schema
// its media type names in x-openshell-line-schema; text/event-stream bodies
// are not checked; an empty documented response must have an empty body.
// Exit 0 when every file passes, 1 when any fails (each failure printed with
// its file and the schema error's path) or DIR holds no *.json file, 2 usage
// (also: DIR unreadable).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const PROBLEM_TYPE = "application/problem+json";
const PROBLEM_SCHEMA = "#/components/schemas/Problem";

const NDJSON_TYPE = "application/x-ndjson";
const LINE_SCHEMA = "x-openshell-line-schema";

function usage(message) {
  if (message) console.error(`validate-openapi: ${message}`);
  console.error("usage: node validate-openapi.mjs FILE [--responses DIR]");
  process.exit(2);
}

const args = process.argv.slice(2);
let file;
let responsesDir;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--responses") {
    if (responsesDir !== undefined || i + 1 >= args.length) usage("--responses needs one DIR");
    responsesDir = args[++i];
  } else if (args[i].startsWith("-") || file !== undefined) {
    usage(`unexpected argument: ${args[i]}`);
  } else {
    file = args[i];
  }
}
if (file === undefined) usage("");
// The recorded responses' names, read before anything is checked.
let responseFiles;
if (responsesDir !== undefined) {
  try {
    responseFiles = readdirSync(responsesDir).filter((n) => n.endsWith(".json")).sort();
  } catch (e) {
    usage(`cannot read ${responsesDir}: ${e.message}`);
  }
  if (!responseFiles.length) {
    // Nothing to check is a failure, not a pass: a test pointed at an empty folder would prove nothing.
    console.error(`validate-openapi: ${responsesDir} holds no *.json response files`);
    process.exit(1);
  }
}

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
  // ndjson media types: the schema of one line.
  if (where.endsWith(`/content/${NDJSON_TYPE}`)) {
    if (!node[LINE_SCHEMA] || typeof node[LINE_SCHEMA] !== "object") fail(where, `has no ${LINE_SCHEMA} (the schema of one line)`);
    else check(node[LINE_SCHEMA], undefined, `${where}/${LINE_SCHEMA}`, "line schema");
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

if (responsesDir !== undefined) process.exit(checkResponses(responsesDir, responseFiles));

// 5. Recorded responses (--responses DIR).
function deref(node) {
  const seen = new Set();
  while (node && typeof node.$ref === "string") {
    if (seen.has(node.$ref)) return undefined;
    seen.add(node.$ref);
    node = pointer(node.$ref);
  }
  return node;
}

function checkResponses(dir, names) {
  const bad = [];
  const validators = new Map(); // compiled schemas, by the schema object
  const validatorFor = (schema) => {
    if (!validators.has(schema)) validators.set(schema, ajv.compile(rewrite(schema)));
    return validators.get(schema);
  };
  const errorLines = (validate, label) =>
    (validate.errors ?? []).map((e) => `${label}${e.instancePath || ""}: ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""} (schema ${e.schemaPath})`);
  let passed = 0;
  for (const name of names) {
    const failures = checkOne(join(dir, name));
    if (failures.length) bad.push(...failures.map((f) => `${name}: ${f}`));
    else ++passed;
  }
  for (const b of bad) console.error(b);
  const failed = names.length - passed;
  console.log(`${dir}: ${names.length} response(s), ${passed} valid${failed ? `, ${failed} invalid` : ""}`);
  return failed ? 1 : 0;

  function checkOne(path) {
    let sample;
    try {
      sample = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      return [`not a readable JSON file: ${e.message}`];
    }
    if (sample === null || typeof sample !== "object" || Array.isArray(sample)) return ["is not a JSON object"];
    const { method, route, status, contentType, body } = sample;
    const shape = [];
    if (typeof method !== "string") shape.push("method must be a string");
    if (typeof route !== "string") shape.push("route must be a string");
    if (!Number.isInteger(status)) shape.push("status must be an integer");
    if (contentType !== undefined && contentType !== null && typeof contentType !== "string") shape.push("contentType must be a string");
    if (typeof body !== "string") shape.push("body must be a string (the raw response body)");
    if (shape.length) return shape;

    const item = doc.paths?.[route];
    if (!item) return [`route ${route} is not in the document`];
    const op = item[method.toLowerCase()];
    if (!op || !METHODS.includes(method.toLowerCase())) return [`${method.toUpperCase()} ${route} is not in the document`];
    const where = `${method.toUpperCase()} ${route} ${status}`;
    const documented = op.responses?.[String(status)] ?? op.responses?.[`${String(status)[0]}XX`] ?? op.responses?.default;
    if (!documented) return [`${where}: the status is not documented (documented: ${Object.keys(op.responses ?? {}).join(", ")})`];
    const response = deref(documented);
    if (!response) return [`${where}: the documented response does not resolve`];

    // The media type, without parameters (charset).
    const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
    const content = response.content ?? {};
    if (!Object.keys(content).length) {
      return body === "" ? [] : [`${where}: documented without a body, but the body is ${body.length} bytes`];
    }
    if (type === "") return [`${where}: no contentType, but the response is documented as ${Object.keys(content).join(", ")}`];
    const media = content[type];
    if (!media) return [`${where}: content type ${type} is not documented (documented: ${Object.keys(content).join(", ")})`];

    if (type === "text/event-stream") return [];
    if (type === "application/json" || type === "application/problem+json") {
      if (!media.schema) return [`${where} ${type}: the document gives no schema`];
      let value;
      try {
        value = JSON.parse(body);
      } catch (e) {
        return [`${where} ${type}: the body is not JSON: ${e.message}`];
      }
      const validate = validatorFor(media.schema);
      return validate(value) ? [] : errorLines(validate, `${where} ${type}: body`);
    }
    if (type === NDJSON_TYPE) {
      const lineSchema = media[LINE_SCHEMA];
      if (!lineSchema) return [`${where} ${type}: the document gives no ${LINE_SCHEMA}`];
      const validate = validatorFor(lineSchema);
      const out = [];
      const lines = body.split("\n");
      if (lines.at(-1) === "") lines.pop(); // the last line's line feed
      lines.forEach((line, i) => {
        let value;
        try {
          value = JSON.parse(line);
        } catch (e) {
          out.push(`${where} ${type}: line ${i + 1} is not JSON: ${e.message}`);
          return;
        }
        if (!validate(value)) out.push(...errorLines(validate, `${where} ${type}: line ${i + 1}`));
      });
      return out;
    }
    return [`${where}: cannot check a ${type} body`];
  }
}
