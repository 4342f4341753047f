// Replay at scale (docs/performance.md, "Replay"): opening a 1,000,000-event
// session as a ReplaySession (time and peak RSS), and what-if over a
// session of 1,000,000 decided actions against another policy.
//
// The session is generated once, in a child process, into
// $OSH_BENCH_REPLAY_STORE or /tmp/osh-bench-replay-<N>.db (kept for later
// runs), so the generator's memory does not count towards the peak RSS.
// OSH_BENCH_REPLAY_EVENTS changes N (default 1,000,000).

#include "sessiongen.h"

#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "replay/replaysession.h"
#include "replay/whatif.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace osh;

namespace {

std::int64_t g_events = 1000000;
std::string g_path;

// VmHWM (peak resident set) of this process, in MiB.
double peakRssMiB()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    return 0;
}

// CPU seconds used by every thread of this process so far. The machine is
// shared, so wall time can include waiting for a core; CPU time cannot.
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
        + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

bool ensureStore()
{
    if (std::filesystem::exists(g_path))
        return true;
    std::fprintf(stderr, "generating %lld events into %s ...\n", static_cast<long long>(g_events), g_path.c_str());
    const pid_t pid = fork();
    if (pid == 0) {
        std::string error;
        auto store = AuditStore::open(g_path, error);
        bench::SessionGenOptions o;
        o.events = g_events;
        bool ok = store && bench::generateSession(*store, o, error);
        bench::SessionGenOptions actions = o;
        actions.sessionId = "actions";
        actions.actionsOnly = true;
        actions.seed = 2;
        ok = ok && bench::generateSession(*store, actions, error);
        if (!ok)
            std::fprintf(stderr, "%s\n", error.c_str());
        store.reset();
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::unique_ptr<AuditStore> openStore()
{
    std::string error;
    AuditStore::Options opt;
    opt.create = false;
    auto s = AuditStore::open(g_path, opt, error);
    if (!s)
        std::fprintf(stderr, "%s\n", error.c_str());
    return s;
}

void BM_OpenSession(benchmark::State &state)
{
    auto store = openStore();
    std::size_t n = 0, bytes = 0, violations = 0;
    const double cpu0 = cpuSeconds();
    for (auto _ : state) {
        std::string error;
        auto s = replay::ReplaySession::load(*store, "synthetic", error);
        if (!s) {
            state.SkipWithError(error.c_str());
            return;
        }
        n = s->size();
        bytes = s->memoryBytes();
        violations = s->violations().size();
        benchmark::DoNotOptimize(s);
    }
    state.counters["cpu_s_per_open"] = (cpuSeconds() - cpu0) / static_cast<double>(state.iterations());
    state.counters["events"] = static_cast<double>(n);
    state.counters["violations"] = static_cast<double>(violations);
    state.counters["columns_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
    state.counters["peak_rss_MiB"] = peakRssMiB();
}

void BM_WhatIf(benchmark::State &state)
{
    auto store = openStore();
    std::string error;
    const auto doc = replay::WhatIf::policyFromText(bench::syntheticPolicyVariant(), "variant", error);
    if (!doc) {
        state.SkipWithError(error.c_str());
        return;
    }
    const DecisionEngine engine(doc);
    std::size_t actions = 0, changed = 0;
    // Warm the PII detector (its Hyperscan database is compiled on first use).
    (void)replay::WhatIf::run(std::vector<replay::WhatIfInput>{{1, R"({"trigger":"data_output","output":"x"})", {}, {}}},
                              "warm", engine);
    const double cpu0 = cpuSeconds();
    for (auto _ : state) {
        const auto r = replay::WhatIf::run(*store, "actions", engine, error);
        if (!r) {
            state.SkipWithError(error.c_str());
            return;
        }
        actions = r->actions.size();
        changed = r->changed.size();
    }
    state.counters["cpu_s_all_threads"] = cpuSeconds() - cpu0;
    state.counters["actions"] = static_cast<double>(actions);
    state.counters["changed"] = static_cast<double>(changed);
    state.counters["peak_rss_MiB"] = peakRssMiB();
}

} // namespace

// Opening first: its peak RSS is read before what-if runs.
BENCHMARK(BM_OpenSession)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WhatIf)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char **argv)
{
    if (const char *n = std::getenv("OSH_BENCH_REPLAY_EVENTS"))
        g_events = std::max(1LL, std::atoll(n));
    // A store from an earlier run is reused: delete it to regenerate.
    const char *p = std::getenv("OSH_BENCH_REPLAY_STORE");
    g_path = p ? p : "/tmp/osh-bench-replay-" + std::to_string(g_events) + ".db";
    if (!ensureStore())
        return 1;
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
