// The Cedar side of bench/eval_vs_cedar.sh: decides the requests of an
// `osctl eval` JSONL file with Cedar's wasm build and prints one JSON line of
// counts and timings.
//
//   node decide.mjs POLICIES.cedar REQUESTS.jsonl ITERATIONS [DECISIONS.out]
//
// Each request line is a tool_call as `osctl eval` reads it
// ({"trigger":"tool_call","tool":{"name":N},"session":{"total_cost":C}});
// it becomes a Cedar request whose context is {tool: N, total_cost:
// decimal(C)}. The policy set is parsed once (preparsePolicySet); every
// decision then goes through statefulIsAuthorized. Each pass times the way
// from the request line to the decision (JSON.parse, the context, the call),
// as `osctl eval` goes from a line to a decision, and within it the
// authorization calls alone. DECISIONS.out receives one `allow` or `deny`
// per request, in input order. Exit 1 on a malformed request or a Cedar
// error.

import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

const POLICY_SET_ID = 'bench';
const PRINCIPAL = { type: 'Agent', id: 'agent' };
const ACTION = { type: 'Action', id: 'tool_call' };
const RESOURCE = { type: 'Session', id: 'eval' };

function fail(message) {
    process.stderr.write(`decide.mjs: ${message}\n`);
    process.exit(1);
}

// Cedar decimals have at most four fractional digits; the cost is written
// with as many as JSON gives, so a longer fraction is an error, not rounded.
function decimalText(cost, lineNo) {
    if (typeof cost !== 'number' || !Number.isFinite(cost))
        fail(`line ${lineNo}: session.total_cost must be a number`);
    const text = String(cost);
    if (!/^-?\d+(\.\d{1,4})?$/.test(text))
        fail(`line ${lineNo}: session.total_cost ${text} is not a Cedar decimal (at most 4 fractional digits)`);
    return text.includes('.') ? text : `${text}.0`;
}

function contextOf(line, lineNo) {
    let req;
    try {
        req = JSON.parse(line);
    } catch (e) {
        fail(`line ${lineNo}: ${e.message}`);
    }
    if (req?.trigger !== 'tool_call' || typeof req.tool?.name !== 'string')
        fail(`line ${lineNo}: expected a tool_call request with tool.name`);
    return {
        tool: req.tool.name,
        total_cost: { __extn: { fn: 'decimal', arg: decimalText(req.session?.total_cost, lineNo) } },
    };
}

function authorize(context, lineNo) {
    const answer = cedar.statefulIsAuthorized({
        principal: PRINCIPAL,
        action: ACTION,
        resource: RESOURCE,
        context,
        preparsedPolicySetId: POLICY_SET_ID,
        entities: [],
    });
    if (answer.type !== 'success')
        fail(`line ${lineNo}: ${answer.errors.map((e) => e.message).join('; ')}`);
    if (answer.response.diagnostics.errors.length > 0)
        fail(`line ${lineNo}: ${answer.response.diagnostics.errors[0].error.message}`);
    return answer.response.decision;
}

function median(values) {
    const s = [...values].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const [policyFile, requestsFile, iterationsArg, decisionsFile] = process.argv.slice(2);
if (!policyFile || !requestsFile || !iterationsArg || process.argv.length > 6)
    fail('usage: node decide.mjs POLICIES.cedar REQUESTS.jsonl ITERATIONS [DECISIONS.out]');
const iterations = Number(iterationsArg);
if (!Number.isInteger(iterations) || iterations < 1)
    fail(`ITERATIONS must be a positive integer, not '${iterationsArg}'`);

const setupStart = performance.now();
const parsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: readFileSync(policyFile, 'utf8') });
if (parsed.type !== 'success')
    fail(`${policyFile}: ${parsed.errors.map((e) => e.message).join('; ')}`);
const setupMs = performance.now() - setupStart;

const lines = readFileSync(requestsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
if (lines.length === 0)
    fail(`${requestsFile}: no requests`);

const decisions = new Array(lines.length);
const lineUs = [];
const authorizeUs = [];
for (let pass = 0; pass < iterations; ++pass) {
    let inCedar = 0;
    const t0 = performance.now();
    for (let i = 0; i < lines.length; ++i) {
        const context = contextOf(lines[i], i + 1);
        const t = performance.now();
        decisions[i] = authorize(context, i + 1);
        inCedar += performance.now() - t;
    }
    lineUs.push(((performance.now() - t0) * 1000) / lines.length);
    authorizeUs.push((inCedar * 1000) / lines.length);
}

let allow = 0;
let deny = 0;
for (const d of decisions) {
    if (d === 'allow') ++allow;
    else if (d === 'deny') ++deny;
    else fail(`unexpected decision '${d}'`);
}
if (decisionsFile)
    writeFileSync(decisionsFile, decisions.join('\n') + '\n');

process.stdout.write(JSON.stringify({
    cedar: cedar.getCedarVersion(),
    node: process.versions.node,
    requests: lines.length,
    allow,
    deny,
    setup_ms: setupMs,
    us_per_decision: median(lineUs),
    us_per_authorize: median(authorizeUs),
    passes_us_per_decision: lineUs,
    passes_us_per_authorize: authorizeUs,
}) + '\n');
