// Audit store throughput and query speed (docs/performance.md): audited
// events per second, appended and acknowledged (committed), and queries
// over a 1,000,000-event store.

#include "audit/auditchain.h"
#include "audit/auditcheckpoint.h"
#include "audit/auditstore.h"
#include "auditevents.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

using namespace osh;
using osh::bench::typical;

namespace {

// A store file in a fresh temporary folder, removed at exit.
class TempStore
{
public:
    // checkpointSeconds >= 0: checkpoints signed with a key of the store's
    // own, at most that long after a head was committed.
    explicit TempStore(double checkpointSeconds = -1)
    {
        char tmpl[] = "/tmp/osh-bench-audit-XXXXXX";
        if (!mkdtemp(tmpl))
            std::abort();
        m_dir = tmpl;
        std::string error;
        AuditStore::Options o;
        if (checkpointSeconds >= 0) {
            o.signingKey = m_dir + "/signing.key";
            o.checkpointSeconds = checkpointSeconds;
        }
        m_store = AuditStore::open(m_dir + "/audit.db", o, error);
        if (!m_store) {
            std::fprintf(stderr, "%s\n", error.c_str());
            std::abort();
        }
    }
    ~TempStore()
    {
        m_store.reset();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    AuditStore &operator*() { return *m_store; }
    AuditStore *operator->() { return m_store.get(); }

private:
    std::string m_dir;
    std::unique_ptr<AuditStore> m_store;
};

// Appends state.range(0) events, then waits until all are committed.
void BM_AppendDurable(benchmark::State &state)
{
    TempStore store;
    const long n = state.range(0);
    long i = 0;
    for (auto _ : state) {
        for (long k = 0; k < n; ++k)
            store->append(typical("bench", i++));
        if (!store->flush())
            state.SkipWithError("flush failed");
    }
    state.SetItemsProcessed(i);
}
BENCHMARK(BM_AppendDurable)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
// Sustained: one store grown to 1,000,000 events, 100,000 at a time.
BENCHMARK(BM_AppendDurable)->Arg(100000)->Iterations(10)->Unit(benchmark::kMillisecond)->UseRealTime();

// The latency of one acknowledged event when nothing else is queued (one
// transaction per event: the worst case for throughput).
void BM_AppendDurableOne(benchmark::State &state)
{
    TempStore store;
    long i = 0;
    for (auto _ : state) {
        store->append(typical("bench", i++));
        store->flush();
    }
    state.SetItemsProcessed(i);
}
BENCHMARK(BM_AppendDurableOne)->Unit(benchmark::kMicrosecond)->UseRealTime();

// 100 sessions at once, without checkpoints and with a checkpoint of every
// session touched at every commit (interval 0: the most signing there can
// be; the service signs each head at most once a second).
void BM_AppendSessions(benchmark::State &state)
{
    TempStore store(state.range(0) ? 0.0 : -1.0);
    long i = 0;
    for (auto _ : state) {
        for (long k = 0; k < 10000; ++k, ++i)
            store->append(typical("session-" + std::to_string(i % 100), i));
        if (!store->flush())
            state.SkipWithError("flush failed");
    }
    state.SetItemsProcessed(i);
}
BENCHMARK(BM_AppendSessions)->ArgName("signed")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// One Ed25519 checkpoint signature.
void BM_CheckpointSign(benchmark::State &state)
{
    char tmpl[] = "/tmp/osh-bench-key-XXXXXX";
    if (!mkdtemp(tmpl))
        std::abort();
    std::string error;
    const auto key = osh::audit::CheckpointKey::load(std::string(tmpl) + "/k.key", true, error);
    if (!key) {
        state.SkipWithError(error.c_str());
        return;
    }
    osh::audit::Checkpoint c;
    c.sessionId = "s";
    c.chain = osh::audit::chainStart("s");
    for (auto _ : state) {
        ++c.seq;
        if (!key->sign(c))
            state.SkipWithError("sign failed");
    }
    state.SetItemsProcessed(state.iterations());
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
}
BENCHMARK(BM_CheckpointSign)->Unit(benchmark::kMicrosecond);

// The hash chain's share of an append: one chain value for a typical event.
void BM_ChainNext(benchmark::State &state)
{
    const AuditEvent e = typical("s", 1);
    std::string previous = osh::audit::chainStart("s");
    for (auto _ : state) {
        previous = osh::audit::chainNext(previous, e);
        benchmark::DoNotOptimize(previous);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainNext)->Unit(benchmark::kMicrosecond);

// A 1,000,000-event store over 100 sessions of 10,000 events each,
// interleaved in time as concurrent sessions would be.
AuditStore &bigStore()
{
    static TempStore store; // a static object: removed at exit
    static const bool filled = [] {
        const double t0 = 1764200000;
        for (int k = 0; k < 100; ++k) {
            SessionRecord r;
            r.id = "session-" + std::to_string(k);
            r.startedAt = t0;
            r.policyFile = "prod.policy.yaml";
            store->beginSession(r);
        }
        for (long i = 0; i < 1000000; ++i) {
            auto e = typical("session-" + std::to_string(i % 100), i);
            e.ts = t0 + static_cast<double>(i) * 0.01;
            store->append(std::move(e));
        }
        return store->flush();
    }();
    if (!filled)
        std::abort();
    return *store;
}

void runQuery(benchmark::State &state, const AuditQuery &q)
{
    AuditStore &s = bigStore();
    std::int64_t rows = 0;
    for (auto _ : state) {
        std::string error;
        std::int64_t n = 0;
        s.query(q, [&](const AuditEvent &) { return ++n, true; }, error);
        rows += n;
        benchmark::DoNotOptimize(n);
    }
    state.SetItemsProcessed(rows);
    state.counters["rows"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}

void BM_QuerySession(benchmark::State &state)
{
    AuditQuery q;
    q.sessionId = "session-42";
    runQuery(state, q);
}
BENCHMARK(BM_QuerySession)->Unit(benchmark::kMillisecond);

void BM_QuerySessionLimit100(benchmark::State &state)
{
    AuditQuery q;
    q.sessionId = "session-42";
    q.limit = 100;
    runQuery(state, q);
}
BENCHMARK(BM_QuerySessionLimit100)->Unit(benchmark::kMicrosecond);

void BM_QuerySessionBlocked(benchmark::State &state)
{
    AuditQuery q;
    q.sessionId = "session-42";
    q.decisions = {"block", "escalate"};
    runQuery(state, q);
}
BENCHMARK(BM_QuerySessionBlocked)->Unit(benchmark::kMillisecond);

void BM_QuerySinceLastHour(benchmark::State &state)
{
    AuditQuery q;
    q.since = 1764200000 + 10000 - 3600; // the last 36 % of the store's span
    q.severities = {"warning", "critical"};
    runQuery(state, q);
}
BENCHMARK(BM_QuerySinceLastHour)->Unit(benchmark::kMillisecond);

void BM_Sessions(benchmark::State &state)
{
    AuditStore &s = bigStore();
    for (auto _ : state)
        benchmark::DoNotOptimize(s.sessions().size());
}
BENCHMARK(BM_Sessions)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
