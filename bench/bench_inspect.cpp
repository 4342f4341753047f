// HTTPS inspection on loopback, measured beside the tunnel in the same run:
// per-request latency of small keep-alive requests through an inspected
// connection (TLS terminated with the session's CA, request parsed and
// decided with one network_egress policy reading request.query, then
// forwarded over TLS) against the same requests through a tunnel
// (inspect: false); and the throughput of large POST bodies both ways.

#include "inspecttestutil.h"
#include "network/networkguardianproxy.h"

#include "model/policyvalidator.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace osh;
using namespace osh::nettest;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kBody = 8u << 20; // per throughput request

struct Env
{
    InspectOrigin inspected{true, "inspect.test"};
    InspectOrigin tunnelled{true, "tunnel.test"};
    PemFile inspectedCa{inspected.caPem()};
    PemFile tunnelledCa{tunnelled.caPem()};
    std::unique_ptr<PemFile> sessionCa;
    SessionState state{"bench"};
    std::mutex stateMutex;
    QThread thread;
    QObject *ctx = nullptr;
    runtime::NetworkGuardianProxy *proxy = nullptr;
    std::uint16_t port = 0;

    Env()
    {
        inspected.keepRequests = false;
        tunnelled.keepRequests = false;
        const std::string policy = "version: 1\nname: bench\nnetwork:\n  default_policy: deny-all\n"
                                   "  hosts: {inspect.test: 127.0.0.1, tunnel.test: 127.0.0.1}\n  rules:\n"
                                   "    - {tool: bench, allowed_hosts: [inspect.test], allowed_ports: ["
            + std::to_string(inspected.port()) + "], max_request_size_kb: 16384, ca_file: '" + inspectedCa.path()
            + "'}\n    - {tool: bench, allowed_hosts: [tunnel.test], allowed_ports: [" + std::to_string(tunnelled.port())
            + "], inspect: false}\npolicies:\n  - name: no_cards_in_query\n    trigger: network_egress\n"
              "    condition: request.query != null and contains_pii(request.query, ['credit_card'])\n    action: block\n";
        ValidationOptions opt;
        opt.checkFiles = false;
        opt.checkHostBinaries = false;
        auto res = PolicyValidator::checkText(policy, "bench.policy.yaml", opt);
        if (!res.document || hasErrors(res.diagnostics)) {
            for (const auto &d : res.diagnostics)
                std::fprintf(stderr, "%s\n", d.format().c_str());
            std::abort();
        }
        auto engine = std::make_shared<const DecisionEngine>(res.document);
        thread.start();
        ctx = new QObject;
        ctx->moveToThread(&thread);
        QMetaObject::invokeMethod(ctx, [&] {
            proxy = new runtime::NetworkGuardianProxy(engine, state, stateMutex);
            port = proxy->listenTcp(QStringLiteral("bench"));
        }, Qt::BlockingQueuedConnection);
        sessionCa = std::make_unique<PemFile>(proxy->sessionCaPem().toStdString());
    }
    ~Env()
    {
        QMetaObject::invokeMethod(ctx, [&] {
            delete proxy;
            delete ctx;
        }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }
    std::unique_ptr<TunnelClient> client(bool inspect)
    {
        auto c = inspect ? std::make_unique<TunnelClient>(port, "inspect.test", inspected.port(), sessionCa->path())
                         : std::make_unique<TunnelClient>(port, "tunnel.test", tunnelled.port(), tunnelledCa.path());
        return c->ok() ? std::move(c) : nullptr;
    }
};

Env &env()
{
    static Env e;
    return e;
}

void latency(benchmark::State &state, bool inspect)
{
    auto &e = env();
    auto c = e.client(inspect);
    if (!c) {
        state.SkipWithError("no TLS through the proxy");
        return;
    }
    const std::string host = inspect ? "inspect.test:" + std::to_string(e.inspected.port())
                                     : "tunnel.test:" + std::to_string(e.tunnelled.port());
    const std::string req = "GET /v1/items?page=2&q=refund HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n\r\n";
    std::vector<double> us;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        const std::string r = c->exchange(req);
        if (r.rfind("HTTP/1.1 200", 0) != 0) {
            state.SkipWithError(("request failed: " + r.substr(0, 200)).c_str());
            return;
        }
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

void throughput(benchmark::State &state, bool inspect)
{
    auto &e = env();
    auto c = e.client(inspect);
    if (!c) {
        state.SkipWithError("no TLS through the proxy");
        return;
    }
    const std::string host = inspect ? "inspect.test:" + std::to_string(e.inspected.port())
                                     : "tunnel.test:" + std::to_string(e.tunnelled.port());
    const std::string req = "POST /v1/upload HTTP/1.1\r\nHost: " + host
        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(kBody) + "\r\n\r\n"
        + std::string(kBody, 'x');
    for (auto _ : state) {
        const auto t0 = Clock::now();
        const std::string r = c->exchange(req);
        if (r.rfind("HTTP/1.1 200", 0) != 0) {
            state.SkipWithError(("upload failed: " + r.substr(0, 200)).c_str());
            return;
        }
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kBody));
}

void BM_RequestTunnelled(benchmark::State &s) { latency(s, false); }
void BM_RequestInspected(benchmark::State &s) { latency(s, true); }
void BM_UploadTunnelled(benchmark::State &s) { throughput(s, false); }
void BM_UploadInspected(benchmark::State &s) { throughput(s, true); }
BENCHMARK(BM_RequestTunnelled)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RequestInspected)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_UploadTunnelled)->Iterations(40)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UploadInspected)->Iterations(40)->UseManualTime()->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
