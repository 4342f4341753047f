// Gateway overhead per tool call: a tools/call round trip over the Unix
// socket (decision on the call, audit into a real store, decision on the
// output, audit, JSON both ways) with a tool runner that answers at once,
// so the figure is the gateway's own cost. Beside it, the cost of running a
// trivial tool command directly as a process, for scale.

#include "audit/auditstore.h"
#include "gateway/gateway.h"
#include "gateway/processtoolrunner.h"
#include "model/policyvalidator.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <vector>

using namespace osh;
using namespace osh::runtime;

namespace {

const char *kPolicy = R"(version: 1
name: bench
policies:
  - {name: cost-limit, trigger: tool_call, condition: 'session.total_cost > 5.0', action: block}
  - {name: email-approval, trigger: tool_call, condition: "tool.name == 'email_send'", action: escalate}
  - {name: pii-redact, trigger: data_output, condition: 'contains_pii(output)', action: redact}
tools:
  - {name: knowledge_search, command: [sh, -c, cat]}
)";

class ImmediateRunner final : public ToolRunner
{
public:
    void run(const ToolSpec &, const QByteArray &args, std::function<void(ToolResult)> done) override
    {
        ToolResult r;
        r.started = true;
        r.exitCode = 0;
        r.stdoutData = "{\"results\":[\"Refunds are processed within 5 business days.\"],\"echo\":" + args + "}";
        done(std::move(r));
    }
};

class StoreSink final : public AuditSink
{
public:
    explicit StoreSink(AuditStore *s) : m_store(s) {}
    std::int64_t record(AuditEvent e) override { return m_store->append(std::move(e)); }

private:
    AuditStore *m_store;
};

void percentiles(benchmark::State &state, std::vector<double> &us)
{
    std::sort(us.begin(), us.end());
    if (us.empty())
        return;
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

void BM_GatewayToolCallOverhead(benchmark::State &state)
{
    QTemporaryDir dir;
    std::string err;
    auto store = AuditStore::open(dir.filePath(QStringLiteral("audit.db")).toStdString(), err);
    ValidationOptions opt;
    opt.checkFiles = false;
    auto doc = PolicyValidator::checkText(kPolicy, "bench.policy.yaml", opt).document;
    SessionState session("bench");
    ImmediateRunner runner;
    StoreSink sink(store.get());
    Gateway::Options o;
    o.sessionId = "bench";
    Gateway gw(std::make_shared<DecisionEngine>(doc), &session, &runner, &sink, nullptr, o);
    QString why;
    if (!gw.listen(dir.filePath(QStringLiteral("gw.sock")), &why)) {
        state.SkipWithError("listen failed");
        return;
    }
    QLocalSocket client;
    client.connectToServer(dir.filePath(QStringLiteral("gw.sock")));
    client.waitForConnected(2000);
    const QByteArray call = R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"knowledge_search","arguments":{"query":"refund policy"}}})" "\n";
    std::vector<double> us;
    us.reserve(100000);
    for (auto _ : state) {
        QElapsedTimer t;
        t.start();
        client.write(call);
        client.flush();
        while (!client.canReadLine())
            QCoreApplication::processEvents(QEventLoop::AllEvents);
        client.readLine();
        us.push_back(static_cast<double>(t.nsecsElapsed()) / 1000.0);
    }
    store->flush();
    percentiles(state, us);
}
BENCHMARK(BM_GatewayToolCallOverhead)->Iterations(5000)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_ToolCommandDirect(benchmark::State &state)
{
    std::vector<double> us;
    for (auto _ : state) {
        QElapsedTimer t;
        t.start();
        QProcess p;
        p.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("cat")});
        p.write(R"({"query":"refund policy"})");
        p.closeWriteChannel();
        p.waitForFinished();
        us.push_back(static_cast<double>(t.nsecsElapsed()) / 1000.0);
    }
    percentiles(state, us);
}
BENCHMARK(BM_ToolCommandDirect)->Iterations(300)->UseRealTime()->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
