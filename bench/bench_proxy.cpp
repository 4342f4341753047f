// The network guardian proxy on loopback: latency it adds to a connection
// (CONNECT, TLS-looking first flight, first byte back) against the same
// exchange straight to the origin, and tunnelled throughput both ways.

#include "network/networkguardianproxy.h"
#include "networktestutil.h"

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

constexpr std::int64_t kBulk = std::int64_t(1) << 30; // 1 GiB per throughput iteration

struct Env
{
    OriginServer echo{echoHandler};
    OriginServer sink{sinkHandler};
    OriginServer burst{burstHandler(static_cast<std::size_t>(kBulk))};
    SessionState state{"bench"};
    std::mutex stateMutex;
    QThread thread;
    QObject *ctx = nullptr;
    runtime::NetworkGuardianProxy *proxy = nullptr;
    std::uint16_t port = 0;

    Env()
    {
        const std::string policy = "version: 1\nname: bench\nnetwork:\n  default_policy: deny-all\n  hosts: {lat.test: 127.0.0.1, "
                                   "up.test: 127.0.0.1, down.test: 127.0.0.1}\n  rules:\n"
                                   "    - {tool: bench, allowed_hosts: [lat.test], allowed_ports: ["
            + std::to_string(echo.port()) + "], protocol: https, inspect: false}\n"
                                            "    - {tool: bench, allowed_hosts: [up.test], allowed_ports: ["
            + std::to_string(sink.port()) + "], protocol: tcp}\n"
                                            "    - {tool: bench, allowed_hosts: [down.test], allowed_ports: ["
            + std::to_string(burst.port()) + "], protocol: tcp}\n";
        ValidationOptions opt;
        opt.checkFiles = false;
        opt.checkHostBinaries = false;
        auto res = PolicyValidator::checkText(policy, "bench.policy.yaml", opt);
        if (!res.document || hasErrors(res.diagnostics)) {
            std::fprintf(stderr, "bench policy does not validate\n");
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
};

Env &env()
{
    static Env e;
    return e;
}

void reportPercentiles(benchmark::State &state, std::vector<double> &us)
{
    std::sort(us.begin(), us.end());
    if (us.empty())
        return;
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

void BM_FirstByteDirect(benchmark::State &state)
{
    auto &e = env();
    const std::string hello = clientHello("lat.test");
    std::vector<double> us;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        Client c = Client::tcp(e.echo.port());
        c.send(hello);
        if (c.readExactly(hello.size()).size() != hello.size())
            state.SkipWithError("no echo");
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    reportPercentiles(state, us);
}
BENCHMARK(BM_FirstByteDirect)->Iterations(2000)->Unit(benchmark::kMicrosecond);

void BM_FirstByteThroughProxy(benchmark::State &state)
{
    auto &e = env();
    const std::string hello = clientHello("lat.test");
    const std::string req = "CONNECT lat.test:" + std::to_string(e.echo.port()) + " HTTP/1.1\r\nHost: lat.test\r\n\r\n";
    std::vector<double> us;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        Client c = Client::tcp(e.port);
        c.send(req);
        if (c.readUntil("\r\n\r\n").rfind("HTTP/1.1 200", 0) != 0)
            state.SkipWithError("CONNECT refused");
        c.send(hello);
        if (c.readExactly(hello.size()).size() != hello.size())
            state.SkipWithError("no echo");
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    reportPercentiles(state, us);
}
BENCHMARK(BM_FirstByteThroughProxy)->Iterations(2000)->Unit(benchmark::kMicrosecond);

// Client -> destination: 1 GiB into the sink, timed until the sink has it all.
void upload(benchmark::State &state, bool viaProxy)
{
    auto &e = env();
    const std::string chunk(1 << 20, 'u');
    for (auto _ : state) {
        Client c = Client::tcp(viaProxy ? e.port : e.sink.port(), 30000);
        if (viaProxy) {
            c.send("CONNECT up.test:" + std::to_string(e.sink.port()) + " HTTP/1.1\r\nHost: up.test\r\nX-OpenShell-Protocol: tcp\r\n\r\n");
            c.readUntil("\r\n\r\n");
        }
        const auto before = e.sink.bytesReceived();
        const auto t0 = Clock::now();
        for (std::int64_t sent = 0; sent < kBulk; sent += static_cast<std::int64_t>(chunk.size()))
            c.send(chunk);
        while (e.sink.bytesReceived() - before < kBulk)
            std::this_thread::yield();
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    state.SetBytesProcessed(state.iterations() * kBulk);
}

void download(benchmark::State &state, bool viaProxy)
{
    auto &e = env();
    std::vector<char> buf(1 << 20);
    for (auto _ : state) {
        Client c = Client::tcp(viaProxy ? e.port : e.burst.port(), 30000);
        const auto t0 = Clock::now();
        std::int64_t got = 0;
        if (viaProxy) {
            c.send("CONNECT down.test:" + std::to_string(e.burst.port()) + " HTTP/1.1\r\nHost: down.test\r\nX-OpenShell-Protocol: tcp\r\n\r\n");
            c.readUntil("\r\n\r\n");
            got += static_cast<std::int64_t>(c.takeBuffered().size());
        }
        while (got < kBulk) {
            const auto n = ::recv(c.fd(), buf.data(), buf.size(), 0);
            if (n <= 0)
                break;
            got += n;
        }
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - t0).count());
        if (got < kBulk)
            state.SkipWithError("short download");
    }
    state.SetBytesProcessed(state.iterations() * kBulk);
}

void BM_UploadDirect(benchmark::State &s) { upload(s, false); }
void BM_UploadThroughProxy(benchmark::State &s) { upload(s, true); }
void BM_DownloadDirect(benchmark::State &s) { download(s, false); }
void BM_DownloadThroughProxy(benchmark::State &s) { download(s, true); }
BENCHMARK(BM_UploadDirect)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UploadThroughProxy)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DownloadDirect)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DownloadThroughProxy)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

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
