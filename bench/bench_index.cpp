// Decisions on large documents with indexed policy selection, beside the
// same engine scanning every policy, in the same run (docs/performance.md):
// N policies `tool.name == 'tool_K' and session.total_cost > 5.0`
// (indexable), or a mix where every other policy has no pin
// (`session.total_cost > K.5`, evaluated for every request).

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

using namespace osh;

namespace {

std::string document(int policies, bool mixed)
{
    std::string y = "version: 1\nname: index-bench\npolicies:\n";
    for (int i = 0; i < policies; ++i) {
        const std::string n = std::to_string(i);
        if (mixed && i % 2)
            y += "  - {name: cost_" + n + ", trigger: tool_call, condition: \"session.total_cost > " + n
                + "000.5\", action: block}\n";
        else
            y += "  - {name: p_" + n + ", trigger: tool_call, condition: \"tool.name == 'tool_" + n
                + "' and session.total_cost > 5.0\", action: block}\n";
    }
    return y;
}

std::shared_ptr<const PolicyDocument> load(int policies, bool mixed)
{
    // Built once per shape: validating 10,000 policies takes a while.
    static std::map<std::pair<int, bool>, std::shared_ptr<const PolicyDocument>> cache;
    auto &doc = cache[{policies, mixed}];
    if (!doc) {
        ValidationOptions opt;
        opt.checkFiles = false;
        auto r = PolicyValidator::checkText(document(policies, mixed), "bench.policy.yaml", opt);
        if (!r.document || hasErrors(r.diagnostics)) {
            std::fprintf(stderr, "the generated document does not validate\n");
            std::abort();
        }
        doc = r.document;
    }
    return doc;
}

Request request(const std::string &tool)
{
    std::string err;
    auto r = Request::fromJson(R"({"trigger":"tool_call","tool":{"name":")" + tool + R"(","args":{}},"cost":0})", err);
    if (!r)
        std::abort();
    return *r;
}

// args: policies, mixed (0/1), indexed (0/1), the tool named by a policy (1) or by none (0).
void BM_DecideLargeDocument(benchmark::State &state)
{
    const int policies = static_cast<int>(state.range(0));
    const bool mixed = state.range(1) != 0;
    DecisionEngine::Options options;
    options.indexed = state.range(2) != 0;
    const DecisionEngine engine(load(policies, mixed), nullptr, options);
    const Request proto = request(state.range(3) ? "tool_" + std::to_string(policies / 2) : "tool_none");
    SessionState session;
    double ts = 0;
    for (auto _ : state) {
        Request r = proto;
        r.ts = ts;
        ts += 0.001;
        const auto d = engine.decide(r, session);
        benchmark::DoNotOptimize(d);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(std::string(mixed ? "half unpinned" : "indexable") + (options.indexed ? ", indexed" : ", scan")
                   + (state.range(3) ? ", named tool" : ", unnamed tool"));
}
BENCHMARK(BM_DecideLargeDocument)
    ->ArgNames({"policies", "mixed", "indexed", "named"})
    ->ArgsProduct({{1000, 10000}, {0, 1}, {1, 0}, {0, 1}});

// The decision written as osctl eval writes it, per trace level.
void BM_DecideAndWrite(benchmark::State &state)
{
    DecisionEngine::Options options;
    options.trace = static_cast<TraceLevel>(state.range(1));
    const DecisionEngine engine(load(static_cast<int>(state.range(0)), false), nullptr, options);
    const Request proto = request("tool_none");
    SessionState session;
    std::string out;
    for (auto _ : state) {
        Request r = proto;
        out.clear();
        engine.decide(r, session).appendJson(out);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(std::string(traceLevelName(options.trace)) + " trace, " + std::to_string(out.size()) + " bytes");
}
BENCHMARK(BM_DecideAndWrite)
    ->ArgNames({"policies", "trace"})
    ->ArgsProduct({{1000}, {static_cast<long>(TraceLevel::None), static_cast<long>(TraceLevel::Decisive),
                            static_cast<long>(TraceLevel::Full)}});

} // namespace

BENCHMARK_MAIN();
