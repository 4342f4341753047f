// End-to-end `osctl eval` throughput: the real binary decides a generated
// 1,000,000-line session read from a file; output goes to /dev/null.

#include "benchdata.h"

#include <benchmark/benchmark.h>

#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>
#include <fstream>

namespace {

void BM_OsctlEvalSession(benchmark::State &state)
{
    const int lines = static_cast<int>(state.range(0));
    QTemporaryDir dir;
    const QString policy = dir.filePath(QStringLiteral("p.policy.yaml"));
    const QString session = dir.filePath(QStringLiteral("s.jsonl"));
    std::ofstream(policy.toStdString()) << osh::bench::productionPolicy();
    std::ofstream(session.toStdString()) << osh::bench::generateSession(lines);
    for (auto _ : state) {
        QProcess p;
        p.setStandardInputFile(session);
        p.setStandardOutputFile(QProcess::nullDevice());
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("eval"), QStringLiteral("--policy"), policy});
        if (!p.waitForFinished(600000) || p.exitCode() != 0) {
            state.SkipWithError("osctl eval failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * lines);
}
BENCHMARK(BM_OsctlEvalSession)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
