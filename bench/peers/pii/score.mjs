// Runs one npm PII library over the corpus of bench_pii_corpus (JSONL, one
// document a line) and writes its predictions for bench_pii_corpus
// --score-peer: a header line {"library","version","timed","bytes","seconds"},
// then one line per document {"doc", "matches": [{"type","begin","end","label"}]}
// with our type names and UTF-8 byte offsets.
//
//   node score.mjs redact-pii|openredaction CORPUS.jsonl OUT.jsonl
//
// Both libraries run locally: redact-pii's SyncRedactor is regular
// expressions only (its Google DLP redactor is never constructed, so no
// network and no cloud key), and openredaction has no dependencies and no
// network code. Libraries report UTF-16 offsets (JavaScript strings); they
// are converted to UTF-8 bytes here so that both sides score the same spans.
//
// Type mapping (labels not listed are other kinds of data, e.g. names,
// street addresses, zip codes, URLs, "digits": they are dropped, neither
// true nor false positives):
//   redact-pii     creditCardNumber -> credit_card, usSocialSecurityNumber -> ssn,
//                  emailAddress -> email, phoneNumber -> phone, ipAddress -> ip_address,
//                  password, credentials -> secret (it has no IBAN or key patterns)
//   openredaction  CREDIT_CARD -> credit_card, SSN -> ssn, EMAIL -> email,
//                  PHONE_US, PHONE_UK, PHONE_UK_MOBILE, PHONE_INTERNATIONAL, PHONE_LINE_NUMBER -> phone,
//                  IPV4, IPV6 -> ip_address, IBAN, UK_BANK_ACCOUNT_IBAN -> iban,
//                  AWS_ACCESS_KEY, AWS_SECRET_KEY, GITHUB_TOKEN, SLACK_TOKEN, JWT_TOKEN, PRIVATE_KEY,
//                  SSH_PRIVATE_KEY, GENERIC_API_KEY, GENERIC_SECRET, BEARER_TOKEN, OAUTH_TOKEN,
//                  NPM_TOKEN, STRIPE_API_KEY, GOOGLE_API_KEY -> secret

import { createRequire } from 'node:module';
import fs from 'node:fs';

const require = createRequire(import.meta.url);
// The installed version (openredaction's "exports" hide its package.json from require).
const versionOf = (pkg) =>
    JSON.parse(fs.readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version;

const [library, corpusPath, outPath] = process.argv.slice(2);
if (!['redact-pii', 'openredaction'].includes(library) || !corpusPath || !outPath) {
    console.error('usage: node score.mjs redact-pii|openredaction CORPUS.jsonl OUT.jsonl');
    process.exit(2);
}

const docs = fs.readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));

// UTF-16 index -> UTF-8 byte offset, for every index 0..text.length.
function byteOffsets(text) {
    const map = new Uint32Array(text.length + 1);
    let bytes = 0;
    for (let i = 0; i < text.length; ++i) {
        map[i] = bytes;
        const c = text.charCodeAt(i);
        if (c < 0x80) bytes += 1;
        else if (c < 0x800) bytes += 2;
        else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
            // a surrogate pair: four bytes, the low half maps inside the character
            map[++i] = bytes + 2;
            bytes += 4;
        } else bytes += 3;
    }
    map[text.length] = bytes;
    return map;
}

// --- redact-pii ---------------------------------------------------------------
//
// SyncRedactor.redact() returns text, not spans: its built-in rules run one
// after the other, each replacing its matches (with a token such as
// CREDIT_CARD_NUMBER) in the text the earlier rules left. To get spans, the
// same rules run here in the same order on a copy that remembers, for every
// UTF-16 unit, which original span it stands for; the copy must end up equal
// to what SyncRedactor.redact() returns, or the script stops.

function redactPii() {
    const { SyncRedactor } = require('redact-pii');
    const version = versionOf('redact-pii');
    const redactor = new SyncRedactor();
    const typeOf = {
        creditCardNumber: 'credit_card',
        usSocialSecurityNumber: 'ssn',
        emailAddress: 'email',
        phoneNumber: 'phone',
        ipAddress: 'ip_address',
        password: 'secret',
        credentials: 'secret',
    };
    // The children in SyncRedactor's order, with the built-in pattern names behind them.
    const patterns = require('redact-pii/lib/built-ins/simple-regexp-patterns');
    const nameOf = new Map(Object.entries(patterns).map(([name, re]) => [re, name]));
    const children = redactor.childRedactors.map((c) => ({ redactor: c, name: c.regexpMatcher ? nameOf.get(c.regexpMatcher) : 'names' }));

    function spans(text) {
        let cur = text;
        let from = Array.from({ length: text.length }, (_, i) => i); // original [from, to) per unit of cur
        let to = Array.from({ length: text.length }, (_, i) => i + 1);
        const found = [];
        for (const { redactor: child, name } of children) {
            if (!child.regexpMatcher) {
                cur = child.redact(cur); // the name rule runs last and maps to none of our types
                from = to = null;
                continue;
            }
            const re = new RegExp(child.regexpMatcher.source, child.regexpMatcher.flags);
            let next = '';
            const nextFrom = [];
            const nextTo = [];
            let last = 0;
            for (const m of cur.matchAll(re)) {
                const b = m.index;
                const e = b + m[0].length;
                for (let i = last; i < b; ++i) {
                    nextFrom.push(from[i]);
                    nextTo.push(to[i]);
                }
                const ob = e > b ? Math.min(...from.slice(b, e)) : last < cur.length ? from[b] : text.length;
                const oe = e > b ? Math.max(...to.slice(b, e)) : ob;
                if (typeOf[name] && oe > ob) found.push({ type: typeOf[name], label: name, begin: ob, end: oe });
                next += cur.slice(last, b) + child.replaceWith;
                for (let i = 0; i < child.replaceWith.length; ++i) {
                    nextFrom.push(ob);
                    nextTo.push(oe);
                }
                last = e;
            }
            for (let i = last; i < cur.length; ++i) {
                nextFrom.push(from[i]);
                nextTo.push(to[i]);
            }
            next += cur.slice(last);
            cur = next;
            from = nextFrom;
            to = nextTo;
        }
        return { found, redacted: cur };
    }

    return {
        version,
        timed: 'new SyncRedactor() defaults, redact() per document (spans recovered outside the timing)',
        run: (text) => redactor.redact(text),
        matches(text) {
            const { found, redacted } = spans(text);
            if (redacted !== redactor.redact(text)) throw new Error('span recovery differs from SyncRedactor.redact()');
            return found;
        },
    };
}

// --- openredaction --------------------------------------------------------------

function openRedaction() {
    const { OpenRedaction } = require('@openredaction/openredaction');
    const version = versionOf('@openredaction/openredaction');
    const detector = new OpenRedaction(); // defaults: every pattern, context analysis, confidence >= 0.5
    const typeOf = {
        CREDIT_CARD: 'credit_card',
        SSN: 'ssn',
        EMAIL: 'email',
        PHONE_US: 'phone',
        PHONE_UK: 'phone',
        PHONE_UK_MOBILE: 'phone',
        PHONE_INTERNATIONAL: 'phone',
        PHONE_LINE_NUMBER: 'phone',
        IPV4: 'ip_address',
        IPV6: 'ip_address',
        IBAN: 'iban',
        UK_BANK_ACCOUNT_IBAN: 'iban',
        AWS_ACCESS_KEY: 'secret',
        AWS_SECRET_KEY: 'secret',
        GITHUB_TOKEN: 'secret',
        SLACK_TOKEN: 'secret',
        JWT_TOKEN: 'secret',
        PRIVATE_KEY: 'secret',
        SSH_PRIVATE_KEY: 'secret',
        GENERIC_API_KEY: 'secret',
        GENERIC_SECRET: 'secret',
        BEARER_TOKEN: 'secret',
        OAUTH_TOKEN: 'secret',
        NPM_TOKEN: 'secret',
        STRIPE_API_KEY: 'secret',
        GOOGLE_API_KEY: 'secret',
    };
    let relocated = 0;
    process.on('exit', () => {
        if (relocated) console.error(`openredaction: ${relocated} detections whose position did not hold their value`);
    });
    return {
        version,
        timed: 'new OpenRedaction() defaults, detect() per document',
        run: (text) => detector.detect(text),
        matches(text) {
            const found = [];
            for (const d of detector.detect(text).detections) {
                const type = typeOf[d.type];
                if (!type) continue;
                let [b, e] = d.position;
                if (text.slice(b, e) !== d.value) {
                    // position should address the original text; if not, find the value itself
                    ++relocated;
                    const at = text.indexOf(d.value);
                    if (at < 0) continue;
                    [b, e] = [at, at + d.value.length];
                }
                found.push({ type, label: d.type, begin: b, end: e });
            }
            return found;
        },
    };
}

const lib = library === 'redact-pii' ? redactPii() : openRedaction();

// Predictions first (untimed), then the timing: the library's own call on every document, twice
// (the first round warms the JIT up), the faster round counts.
const lines = [];
for (let i = 0; i < docs.length; ++i) {
    const text = docs[i].text;
    const map = byteOffsets(text);
    const matches = lib.matches(text).map((m) => ({ type: m.type, begin: map[m.begin], end: map[m.end], label: m.label }));
    lines.push(JSON.stringify({ doc: i, matches }));
}
let best = Infinity;
for (let round = 0; round < 2; ++round) {
    const t0 = process.hrtime.bigint();
    for (const d of docs) lib.run(d.text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
}
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text, 'utf8'), 0);
const header = { library, version: lib.version, timed: `${lib.timed}, node ${process.version}`, bytes, seconds: best };
fs.writeFileSync(outPath, [JSON.stringify(header), ...lines].join('\n') + '\n');
