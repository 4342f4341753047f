// The audit store shared by several hosts (docs/performance.md, "A store
// shared by several hosts"): events per second from two writers at once,
// and opening a 1,000,000-event session for replay, in PostgreSQL beside
// the same in SQLite in the same run.
//
// PostgreSQL is a throwaway cluster this benchmark starts (initdb/pg_ctl on
// a Unix socket in a temporary folder, no TCP listener; as root the server
// runs as uid 65534), with the server's default settings (fsync and
// synchronous_commit on). Two writers are two AuditStore instances, each
// with its own connections, as two runtime hosts (or two processes on one
// SQLite file) would be.

#include "auditevents.h"
#include "sessiongen.h"

#include "../tests/support/pgcluster.h"
#include "audit/auditstore.h"
#include "audit/pgdb.h"
#include "replay/replaysession.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

using namespace osh;

namespace {

osh::test::PgCluster *g_pg = nullptr;
std::string g_tmp;
int g_databases = 0;

enum Backend { Sqlite = 0, Postgres = 1 };

// A store nobody used yet: a new file, or a new database.
std::string freshStore(int backend)
{
    ++g_databases;
    if (backend == Sqlite)
        return g_tmp + "/store" + std::to_string(g_databases) + ".db";
    const std::string db = "bench" + std::to_string(g_databases);
    audit::PgDb admin;
    std::string error;
    if (!admin.open(g_pg->conninfo(), error) || !admin.run("CREATE DATABASE " + db, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        std::abort();
    }
    return g_pg->conninfo(QString::fromStdString(db));
}

std::unique_ptr<AuditStore> open(const std::string &store, const std::string &host)
{
    AuditStore::Options o;
    o.host = host;
    std::string error;
    auto s = AuditStore::open(store, o, error);
    if (!s) {
        std::fprintf(stderr, "%s\n", error.c_str());
        std::abort();
    }
    return s;
}

// Two writers, each its own store instance and session, appending
// state.range(1) events at once; the time until both are committed.
void BM_TwoWriters(benchmark::State &state)
{
    const int backend = static_cast<int>(state.range(0));
    const long n = state.range(1);
    long total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const std::string store = freshStore(backend);
        auto a = open(store, "host-a");
        auto b = open(store, "host-b");
        state.ResumeTiming();
        bool ok = true;
        auto write = [n](AuditStore &s, const std::string &session, bool &result) {
            for (long i = 0; i < n; ++i)
                s.append(bench::typical(session, i));
            result = s.flush();
        };
        bool okA = false, okB = false;
        std::thread ta(write, std::ref(*a), "writer-a", std::ref(okA));
        std::thread tb(write, std::ref(*b), "writer-b", std::ref(okB));
        ta.join();
        tb.join();
        ok = okA && okB;
        if (!ok)
            state.SkipWithError("a flush failed");
        total += 2 * n;
        state.PauseTiming();
        a.reset();
        b.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(total);
    state.SetLabel(backend == Sqlite ? "sqlite" : "postgresql");
}
BENCHMARK(BM_TwoWriters)->ArgNames({"pg", "events"})->Args({Sqlite, 100000})->Args({Postgres, 100000})
    ->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The 1,000,000-event session (bench/sessiongen.h) in each backend,
// generated once.
const std::string &bigStore(int backend)
{
    static std::string stores[2];
    if (stores[backend].empty()) {
        stores[backend] = freshStore(backend);
        auto s = open(stores[backend], "host-a");
        bench::SessionGenOptions o;
        std::string error;
        const auto t0 = std::chrono::steady_clock::now();
        if (!bench::generateSession(*s, o, error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            std::abort();
        }
        std::fprintf(stderr, "%s: 1,000,000 events generated and stored in %.1f s\n",
                     backend == Sqlite ? "sqlite" : "postgresql",
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return stores[backend];
}

void BM_OpenSession(benchmark::State &state)
{
    const int backend = static_cast<int>(state.range(0));
    auto store = open(bigStore(backend), "host-b");
    std::size_t n = 0;
    for (auto _ : state) {
        std::string error;
        auto s = replay::ReplaySession::load(*store, "synthetic", error);
        if (!s) {
            state.SkipWithError(error.c_str());
            return;
        }
        n = s->size();
        benchmark::DoNotOptimize(s);
    }
    state.counters["events"] = static_cast<double>(n);
    state.SetLabel(backend == Sqlite ? "sqlite" : "postgresql");
}
BENCHMARK(BM_OpenSession)->ArgName("pg")->Arg(Sqlite)->Arg(Postgres)->Iterations(3)->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // QProcess for pg_ctl
    char tmpl[] = "/tmp/osh-bench-pg-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    g_tmp = tmpl;
    osh::test::PgCluster pg;
    QString error;
    if (!pg.start(&error)) {
        std::fprintf(stderr, "bench_pgstore: %s\n", qPrintable(error));
        return 1;
    }
    g_pg = &pg;
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::error_code ec;
    std::filesystem::remove_all(g_tmp, ec);
    return 0;
}
