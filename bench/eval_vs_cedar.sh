#!/usr/bin/env bash
# osctl eval beside Cedar (its official wasm build, bench/peers/cedar) on the
# same workload: 1,000 tool_call policies `tool.name == 'tool_N' and
# session.total_cost > 5.0` (block) against 1,000 Cedar `forbid` policies and
# one `permit`, over the same request files. Both sides must reach the same
# decision on every request, or the script stops with status 1.
#
#   bench/eval_vs_cedar.sh [OSCTL] [--requests M] [--large M] [--rounds N] [--no-seed]
#
# OSCTL defaults to build/dev/app/osctl/osctl. Two request mixes of M lines
# (default 20,000: Cedar evaluates all 1,001 policies for every request, in
# the order of a millisecond, so M sets the run time), and of --large lines
# (default 2,000,000; the first M the same as the small file's):
# `miss` names tools no policy names; `mixed` names a policy's tool in one
# request of ten (about half of those over the budget, so blocked). Rounds
# alternate the two sides. Figures are medians over the rounds, in µs per
# decision:
#   osctl wall     the whole `osctl eval` process (start, policy load, output
#                  to a file) over M requests, then over the large file, where
#                  start-up is amortised;
#   cedar wall     the whole `node decide.mjs` process over M requests;
#   cedar decide   inside Node, from the request line to Cedar's decision
#                  (JSON.parse, context, statefulIsAuthorized), the policy set
#                  parsed beforehand;
#   cedar authz    statefulIsAuthorized alone.
# Last, unless --no-seed, the seed's production policy through
# bench_osctl_eval (1,000,000 requests), in decisions/s.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
peer="$root/bench/peers/cedar"
osctl=""
requests=20000
large=2000000
rounds=3
seed=1

usage()
{
    echo "usage: $0 [OSCTL] [--requests M] [--large M] [--rounds N] [--no-seed]" >&2
    exit 2
}

positive()
{
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$0: $1 must be a positive integer, not '$2'" >&2; exit 2; }
    echo "$2"
}

while [ $# -gt 0 ]; do
    case "$1" in
    --requests) [ $# -ge 2 ] || usage; requests=$(positive "$1" "$2"); shift 2 ;;
    --large) [ $# -ge 2 ] || usage; large=$(positive "$1" "$2"); shift 2 ;;
    --rounds) [ $# -ge 2 ] || usage; rounds=$(positive "$1" "$2"); shift 2 ;;
    --no-seed) seed=0; shift ;;
    -h | --help) usage ;;
    -*) echo "$0: unknown option '$1'" >&2; usage ;;
    *) [ -z "$osctl" ] || usage; osctl="$1"; shift ;;
    esac
done

[ "$large" -ge "$requests" ] || { echo "$0: --large must be at least --requests" >&2; exit 2; }
if [ -z "$osctl" ]; then
    osctl="$root/build/dev/app/osctl/osctl"
    [ -x "$osctl" ] || osctl="$(find "$root/build/dev" -name osctl -type f -perm -u+x 2>/dev/null | head -n1)"
fi
if [ -z "$osctl" ] || [ ! -x "$osctl" ]; then
    echo "$0: no osctl binary (build it, or pass its path)" >&2
    exit 2
fi
osctl="$(cd "$(dirname "$osctl")" && pwd)/$(basename "$osctl")"
for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is needed for the Cedar side" >&2; exit 2; }
done
if [ ! -d "$peer/node_modules/@cedar-policy/cedar-wasm" ]; then
    echo "installing the Cedar peer (npm ci in bench/peers/cedar)" >&2
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --- the workload ----------------------------------------------------------

awk 'BEGIN {
    print "version: 1\nname: tool-budgets\npolicies:"
    for (n = 0; n < 1000; ++n)
        printf "  - name: tool-budget-%d\n    trigger: tool_call\n    condition: \"tool.name == '\''tool_%d'\'' and session.total_cost > 5.0\"\n    action: block\n    message: tool_%d is over the session budget\n", n, n, n
}' >"$tmp/budgets.policy.yaml"

awk 'BEGIN {
    print "permit(principal, action, resource);"
    for (n = 0; n < 1000; ++n)
        printf "forbid(principal, action, resource) when { context.tool == \"tool_%d\" && context.total_cost.greaterThan(decimal(\"5.0\")) };\n", n
}' >"$tmp/budgets.cedar"

# COUNT tool_call lines. A fixed-seed Lehmer generator (exact in any awk's
# doubles) picks the costs (0.00 to 10.00, 5.00 included: not over 5.0) and,
# in one request of every HIT, a policy's tool instead of an unnamed one.
requests_file()
{
    awk -v count="$1" -v hit="$2" -v seed="$3" 'function next_rand() { x = (x * 48271) % 2147483647; return x }
    BEGIN {
        x = seed
        for (i = 0; i < count; ++i) {
            cents = next_rand() % 1001
            tool = (hit > 0 && next_rand() % hit == 0) ? "tool_" (next_rand() % 1000) : "tool_none_" (i % 1000)
            printf "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"%s\"},\"session\":{\"total_cost\":%d.%02d}}\n", tool, cents / 100, cents % 100
        }
    }'
}
requests_file "$requests" 0 12345 >"$tmp/miss-small.jsonl"
requests_file "$requests" 10 54321 >"$tmp/mixed-small.jsonl"
requests_file "$large" 0 12345 >"$tmp/miss-large.jsonl"
requests_file "$large" 10 54321 >"$tmp/mixed-large.jsonl"

if ! "$osctl" validate --quiet --no-file-checks "$tmp/budgets.policy.yaml" >"$tmp/validate.txt"; then
    cat "$tmp/validate.txt" >&2
    echo "$0: the generated policy does not validate" >&2
    exit 1
fi

# --- the runs --------------------------------------------------------------

results="$tmp/results.tsv" # mix, measure, µs per decision
: >"$results"

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; } # microseconds, whatever the locale's separator

# osctl_run MIX SIZE: decides $tmp/MIX-SIZE.jsonl, records the wall time per
# decision as "osctl wall SIZE" and writes the decisions (allow/deny) to
# $tmp/MIX-SIZE.osctl.
osctl_run()
{
    local t0 t1 n
    t0=$(now_us)
    if ! "$osctl" eval --policy "$tmp/budgets.policy.yaml" <"$tmp/$1-$2.jsonl" >"$tmp/out.jsonl"; then
        echo "$0: osctl eval failed on the '$1' requests" >&2
        exit 1
    fi
    t1=$(now_us)
    n=$(wc -l <"$tmp/$1-$2.jsonl")
    awk -F'"' '$2 != "decision" { print "unexpected output: " $0; next }
               { print ($4 == "block" ? "deny" : $4) }' "$tmp/out.jsonl" >"$tmp/$1-$2.osctl"
    per_decision "$1" "osctl wall $2" $((t1 - t0)) "$n"
}

# per_decision MIX MEASURE MICROSECONDS COUNT: records one figure.
per_decision()
{
    awk -v m="$1" -v what="$2" -v us="$3" -v n="$4" 'BEGIN { printf "%s\t%s\t%.4f\n", m, what, us / n }' >>"$results"
}

# cedar_run MIX: decides $tmp/MIX-small.jsonl with Cedar, records its figures
# and writes the decisions to $tmp/MIX-small.cedar.
cedar_run()
{
    local t0 t1 json
    t0=$(now_us)
    # --no-opt: Node 20's optimiser for JavaScript aborts in its deoptimiser
    # ("unreachable code") after some thousand denials through Cedar's
    # bindings. It only touches the JavaScript glue: the wasm keeps its own
    # compilers, and on 2,000 requests (which run without it) Cedar's time
    # per decision is the same within 1 % either way.
    json=$(node --no-opt "$peer/decide.mjs" "$tmp/budgets.cedar" "$tmp/$1-small.jsonl" 1 "$tmp/$1-small.cedar")
    t1=$(now_us)
    per_decision "$1" "cedar wall" $((t1 - t0)) "$(wc -l <"$tmp/$1-small.jsonl")"
    node -e 'const r = JSON.parse(process.argv[1]);
             console.log(`${process.argv[2]}\tcedar decide\t${r.us_per_decision}\n${process.argv[2]}\tcedar authz\t${r.us_per_authorize}`);' \
        "$json" "$1" >>"$results"
}

# compare MIX: the same decision on every request, or stop. The large
# file starts with the small one (same generator and seed), so its first
# decisions are compared too.
compare()
{
    local a d
    head -n "$requests" "$tmp/$1-large.osctl" >"$tmp/$1-prefix.osctl"
    for side in small.osctl prefix.osctl; do # the small file's, the large one's first M
        cmp -s "$tmp/$1-$side" "$tmp/$1-small.cedar" && continue
        echo "$0: DECISIONS DIFFER on the '$1' requests" >&2
        for f in "$1-$side" "$1-small.cedar"; do
            a=$(grep -cx allow "$tmp/$f" || true)
            d=$(grep -cx deny "$tmp/$f" || true)
            echo "  $f: $a allow, $d deny, $(wc -l <"$tmp/$f") lines" >&2
        done
        diff "$tmp/$1-$side" "$tmp/$1-small.cedar" | head -n 10 >&2 || true
        exit 1
    done
    a=$(grep -cx allow "$tmp/$1-small.cedar" || true)
    d=$(grep -cx deny "$tmp/$1-small.cedar" || true)
    echo "$a allow, $d deny"
}

echo "osctl:  $osctl ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- core app 2>/dev/null || echo ', core/ or app/ modified'), built $(date -u -r "$osctl" '+%F %T') UTC)"
echo "cedar:  @cedar-policy/cedar-wasm $(node -p 'require(process.argv[1]).version' "$peer/node_modules/@cedar-policy/cedar-wasm/package.json"), node $(node --version)"
echo "policy: 1,000 tool_call policies; $requests requests per mix (large: $large); $rounds rounds"
for r in $(seq "$rounds"); do
    for mix in miss mixed; do
        osctl_run "$mix" small
        cedar_run "$mix"
        osctl_run "$mix" large
        counts=$(compare "$mix") # a failed assignment stops the script; an echo would not
        echo "round $r, $mix: same decisions on both sides ($counts)"
    done
done

# --- the table -------------------------------------------------------------

median()
{
    awk -F'\t' -v m="$1" -v w="$2" '$1 == m && $2 == w { print $3 }' "$results" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
printf '%-7s %-44s %14s\n' mix "measure (median of $rounds)" "µs/decision"
for mix in miss mixed; do
    ow=$(median "$mix" "osctl wall small")
    ol=$(median "$mix" "osctl wall large")
    cw=$(median "$mix" "cedar wall")
    cdec=$(median "$mix" "cedar decide")
    ca=$(median "$mix" "cedar authz")
    printf '%-7s %-44s %14s\n' "$mix" "osctl eval, process wall, $requests requests" "$ow" \
        "$mix" "osctl eval, process wall, $large requests" "$ol" \
        "$mix" "cedar, node process wall, $requests requests" "$cw" \
        "$mix" "cedar, in process, line to decision" "$cdec" \
        "$mix" "cedar, in process, statefulIsAuthorized only" "$ca"
    awk -v m="$mix" -v ow="$ow" -v ol="$ol" -v cw="$cw" -v cdec="$cdec" 'BEGIN {
        printf "%-7s %-44s %13.1fx\n", m, "ratio Cedar/OpenShell, process walls", cw / ow
        printf "%-7s %-44s %13.1fx\n", m, "ratio Cedar in process / osctl large", cdec / ol
    }'
done

if [ "$seed" = 1 ]; then
    bench_bin="$(dirname "$osctl")/../../bench/bench_osctl_eval"
    echo
    if [ -x "$bench_bin" ]; then
        node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")).benchmarks[0];
                 if (r.error_occurred) { console.error(r.error_message); process.exit(1); }
                 console.log(`seed production policy, osctl eval (bench_osctl_eval, ${r.iterations} x 1,000,000 requests): ${Math.round(r.items_per_second).toLocaleString("en-US")} decisions/s`);' \
            < <("$bench_bin" --benchmark_format=json 2>/dev/null)
    else
        echo "seed production policy: skipped, $bench_bin is not built"
    fi
fi
