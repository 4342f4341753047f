// Decision latency, validation time and request parsing (docs/performance.md).

#include "benchdata.h"
#include "qtrequest.h"

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"

#include <benchmark/benchmark.h>

using namespace osh;

namespace {

std::shared_ptr<const PolicyDocument> load(const std::string &text)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    auto r = PolicyValidator::checkText(text, "bench.policy.yaml", opt);
    if (!r.document || hasErrors(r.diagnostics)) {
        for (const auto &d : r.diagnostics)
            fprintf(stderr, "%s\n", d.format().c_str());
        std::abort();
    }
    return r.document;
}

Request parse(const char *json)
{
    std::string err;
    auto r = Request::fromJson(json, err);
    if (!r)
        std::abort();
    return *r;
}

// One decision (derive + evaluate + commit) on a request of the given kind.
void decideLoop(benchmark::State &state, const DecisionEngine &engine, const Request &proto)
{
    SessionState session;
    double ts = 0;
    for (auto _ : state) {
        Request r = proto;
        r.ts = ts;
        ts += 0.001;
        auto d = engine.decide(r, session);
        benchmark::DoNotOptimize(d);
    }
    state.SetItemsProcessed(state.iterations());
}

const char *kToolCall = R"({"trigger":"tool_call","tool":{"name":"knowledge_search","args":{"q":"refund"}}})";
const char *kEmail = R"({"trigger":"tool_call","tool":{"name":"email_send","args":{"to":"a@b.c"}}})";
const char *kEgress = R"({"trigger":"network_egress","tool":{"name":"ticket_api"},"destination":{"host":"jira.company.com","port":443,"protocol":"https"}})";
const char *kFile = R"({"trigger":"file_access","file":{"path":"/data/kb/faq.md","operation":"read"}})";

void BM_DecideSeed_ToolCallAllowed(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::productionPolicy()));
    decideLoop(state, engine, parse(kToolCall));
}
BENCHMARK(BM_DecideSeed_ToolCallAllowed);

void BM_DecideSeed_ToolCallEscalated(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::productionPolicy()));
    decideLoop(state, engine, parse(kEmail));
}
BENCHMARK(BM_DecideSeed_ToolCallEscalated);

void BM_DecideSeed_Egress(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::productionPolicy()));
    decideLoop(state, engine, parse(kEgress));
}
BENCHMARK(BM_DecideSeed_Egress);

void BM_DecideSeed_FileAccess(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::productionPolicy()));
    decideLoop(state, engine, parse(kFile));
}
BENCHMARK(BM_DecideSeed_FileAccess);

// 1,000 policies, a tool call no policy matches: every tool_call policy is evaluated.
void BM_Decide1000Policies_ToolCallNoMatch(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::generatePolicyDocument(1000)));
    decideLoop(state, engine, parse(R"({"trigger":"tool_call","tool":{"name":"tool_7","args":{"mode":"read"}}})"));
}
BENCHMARK(BM_Decide1000Policies_ToolCallNoMatch);

void BM_Decide1000Policies_Egress(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::generatePolicyDocument(1000)));
    decideLoop(state, engine, parse(R"({"trigger":"network_egress","tool":{"name":"tool_42"},"destination":{"host":"a.svc42.example.com","port":443}})"));
}
BENCHMARK(BM_Decide1000Policies_Egress);

void BM_ValidateLines(benchmark::State &state)
{
    const std::string text = bench::generateDocumentOfLines(static_cast<int>(state.range(0)));
    ValidationOptions opt;
    opt.checkFiles = false;
    for (auto _ : state) {
        auto r = PolicyValidator::checkText(text, "big.policy.yaml", opt);
        if (hasErrors(r.diagnostics))
            state.SkipWithError("generated document does not validate");
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ValidateLines)->Arg(10000)->Unit(benchmark::kMillisecond);

constexpr std::string_view kRequestLine =
    R"({"trigger":"tool_call","ts":12.5,"tool":{"name":"email_send","args":{"to":"a@b.c","body":"hello there"}},"session":{"total_cost":1.5},"cost":0.02})";

void BM_ParseRequest(benchmark::State &state)
{
    for (auto _ : state) {
        std::string err;
        auto r = Request::fromJson(kRequestLine, err);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequest);

// The baseline: the same line through Qt's JSON reader and the same field
// checks (the reader fromJson replaced, kept in tests/core/qtrequest.cpp).
void BM_ParseRequestQt(benchmark::State &state)
{
    for (auto _ : state) {
        std::string err;
        auto r = test::qtRequestFromJson(kRequestLine, err);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRequestQt);

void BM_DecisionToJson(benchmark::State &state)
{
    const DecisionEngine engine(load(bench::productionPolicy()));
    SessionState session;
    Request r = parse(kEmail);
    const auto d = engine.decide(r, session);
    std::string out;
    for (auto _ : state) {
        out.clear();
        d.appendJson(out);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecisionToJson);

} // namespace

BENCHMARK_MAIN();
