#!/usr/bin/env bash
# PiiDetector beside two PII libraries from npm, on the same labelled corpus
# in the same run: redact-pii 3.4.0 and @openredaction/openredaction 1.0.4,
# pinned by bench/peers/pii/package-lock.json (installed here with npm ci
# when missing). Both run locally, without network or cloud keys.
#
#   bench/pii_vs_peers.sh [BENCH_BIN] [--examples N]
#
# BENCH_BIN defaults to build/dev/bench/bench_pii_corpus. The corpus
# (bench/piicorpus.cpp: 1,500 documents, about 1,500 ordinary and 1,500
# obfuscated PII items and 2,000 hard negatives) is written as JSONL; each
# library's predictions are made by bench/peers/pii/score.mjs (mapped to our
# types, offsets converted from UTF-16 to UTF-8 bytes); bench_pii_corpus then
# runs our detector and scores all three with one scorer, printing one table
# per slice, the targets and the throughput of each (corpus text bytes over
# the time of the library's own call on every document; ours in process,
# theirs inside node). --examples N also lists up to N misses and false
# positives per slice and detector.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
peer="$root/bench/peers/pii"
bench=""
examples=()

usage()
{
    echo "usage: $0 [BENCH_BIN] [--examples N]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --examples)
        [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || usage
        examples=(--examples "$2")
        shift 2
        ;;
    -h | --help) usage ;;
    -*) echo "$0: unknown option '$1'" >&2; usage ;;
    *) [ -z "$bench" ] || usage; bench="$1"; shift ;;
    esac
done

[ -n "$bench" ] || bench="$root/build/dev/bench/bench_pii_corpus"
if [ ! -x "$bench" ]; then
    echo "$0: no bench_pii_corpus binary at $bench (build it, or pass its path)" >&2
    exit 2
fi
for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is needed for the peers" >&2; exit 2; }
done
if [ ! -d "$peer/node_modules/redact-pii" ] || [ ! -d "$peer/node_modules/@openredaction/openredaction" ]; then
    echo "installing the PII peers (npm ci in bench/peers/pii)" >&2
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bench" --write-corpus "$tmp/corpus.jsonl" 2>/dev/null
for lib in redact-pii openredaction; do
    node "$peer/score.mjs" "$lib" "$tmp/corpus.jsonl" "$tmp/$lib.jsonl"
done

echo "bench:  $bench ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD -- core bench 2>/dev/null || echo ', core/ or bench/ modified'))"
echo "peers:  redact-pii $(node -p 'require(process.argv[1]).version' "$peer/node_modules/redact-pii/package.json"), @openredaction/openredaction $(node -p 'require(process.argv[1]).version' "$peer/node_modules/@openredaction/openredaction/package.json"), node $(node --version)"
echo
"$bench" --score-peer "$tmp/redact-pii.jsonl" --score-peer "$tmp/openredaction.jsonl" "${examples[@]}"
