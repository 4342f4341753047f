// openshelld's API overhead: exec of `true` in a running gVisor session
// through REST API v1 (Unix socket, HTTP/1.1, JSON, routing, the hop to the
// sessions' thread) beside the same session's exec called in-process, in
// the same run; a bare API round trip (GET /v1/info) for scale; and 50
// clients reading the audit log at once while the session works.
// Needs root (the service runs sandboxes); without it, says so and skips.

#include "audit/auditstore.h"
#include "service/apiclient.h"
#include "service/apiservice.h"
#include "service/httpserver.h"
#include "session/agentsession.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace osh;
using osh::service::ApiClient;

namespace {

osh::service::ApiService *g_service = nullptr;
osh::service::Endpoint g_endpoint;
std::string g_session;
std::string g_blocked; // a session whose policy refuses exec: decision and audit, no sandbox

const char *kCreate = R"({"policy_yaml":"version: 1\nname: bench-api\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 3600\n  cleanup_policy: destroy\n","command":["sleep","3600"]})";

const char *kCreateBlocked = R"({"policy_yaml":"version: 1\nname: bench-api-blocked\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 3600\n  cleanup_policy: destroy\npolicies:\n  - {name: no-exec, trigger: tool_call, condition: \"tool.name == 'exec'\", action: block}\n","command":["sleep","3600"]})";

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void percentiles(benchmark::State &state, std::vector<double> &v)
{
    std::sort(v.begin(), v.end());
    if (v.empty())
        return;
    state.counters["p50_ms"] = v[v.size() / 2];
    state.counters["p99_ms"] = v[std::min(v.size() - 1, v.size() * 99 / 100)];
}

// exec of `true` in a session through the API; status: the answer expected.
void execThroughApi(benchmark::State &state, const std::string &session, int status)
{
    ApiClient c(g_endpoint);
    std::vector<double> lat;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = c.request("POST", "/v1/sessions/" + session + "/exec", R"({"argv":["true"]})", 60000);
        lat.push_back(ms(std::chrono::steady_clock::now() - t0));
        if (r.status != status)
            state.SkipWithError(("exec: " + r.message()).c_str());
    }
    percentiles(state, lat);
}

// The same call made in-process, on the sessions' thread; ok judges the result.
void execInProcess(benchmark::State &state, const std::string &session, bool (*ok)(const runtime::ExecResult &))
{
    std::vector<double> lat;
    for (auto _ : state) {
        std::promise<runtime::ExecResult> done;
        const auto t0 = std::chrono::steady_clock::now();
        QMetaObject::invokeMethod(g_service, [&done, &session] {
            g_service->session(QString::fromStdString(session))
                ->exec({QStringLiteral("true")}, {}, 60, [&done](runtime::ExecResult r) { done.set_value(std::move(r)); });
        });
        const auto r = done.get_future().get();
        lat.push_back(ms(std::chrono::steady_clock::now() - t0));
        if (!ok(r))
            state.SkipWithError("the in-process exec did not give the expected result");
    }
    percentiles(state, lat);
}

void BM_ExecTrue_Api(benchmark::State &state) { execThroughApi(state, g_session, 200); }
void BM_ExecTrue_InProcess(benchmark::State &state)
{
    execInProcess(state, g_session, [](const runtime::ExecResult &r) { return r.started && r.exitCode == 0; });
}

// The same call refused by the policy: the whole API path (HTTP, JSON,
// routing, the hop to the sessions' thread, decision, audit, problem
// answer) with no sandbox to start, beside the in-process call.
void BM_ExecRefused_Api(benchmark::State &state) { execThroughApi(state, g_blocked, 403); }
void BM_ExecRefused_InProcess(benchmark::State &state)
{
    execInProcess(state, g_blocked, [](const runtime::ExecResult &r) { return r.refused; });
}

void BM_InfoRoundTrip_Api(benchmark::State &state)
{
    ApiClient c(g_endpoint);
    std::vector<double> lat;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto r = c.request("GET", "/v1/info");
        lat.push_back(ms(std::chrono::steady_clock::now() - t0));
        if (r.status != 200)
            state.SkipWithError("info failed");
    }
    percentiles(state, lat);
}

// 50 clients, each reading pages of the session's audit log, while exec
// calls keep adding to it.
void BM_AuditRead_50Clients(benchmark::State &state)
{
    for (auto _ : state) {
        std::atomic<bool> stop{false};
        std::thread load([&] {
            ApiClient c(g_endpoint);
            while (!stop)
                c.request("POST", "/v1/sessions/" + g_session + "/exec", R"({"argv":["true"]})", 60000);
        });
        std::vector<std::vector<double>> per(50);
        std::atomic<int> errors{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < 50; ++i)
            clients.emplace_back([&, i] {
                ApiClient c(g_endpoint);
                for (int n = 0; n < 20; ++n) {
                    const auto t0 = std::chrono::steady_clock::now();
                    const auto r = c.request("GET", "/v1/audit/events?session=" + g_session + "&limit=200");
                    per[static_cast<std::size_t>(i)].push_back(ms(std::chrono::steady_clock::now() - t0));
                    if (r.status != 200)
                        ++errors;
                }
            });
        for (auto &t : clients)
            t.join();
        stop = true;
        load.join();
        std::vector<double> all;
        for (auto &v : per)
            all.insert(all.end(), v.begin(), v.end());
        percentiles(state, all);
        state.counters["requests"] = static_cast<double>(all.size());
        state.counters["errors"] = errors.load();
    }
}

} // namespace

BENCHMARK(BM_ExecTrue_InProcess)->Unit(benchmark::kMillisecond)->Iterations(30);
BENCHMARK(BM_ExecTrue_Api)->Unit(benchmark::kMillisecond)->Iterations(30);
BENCHMARK(BM_ExecRefused_InProcess)->Unit(benchmark::kMicrosecond)->Iterations(2000);
BENCHMARK(BM_ExecRefused_Api)->Unit(benchmark::kMicrosecond)->Iterations(2000);
BENCHMARK(BM_InfoRoundTrip_Api)->Unit(benchmark::kMicrosecond)->Iterations(2000);
BENCHMARK(BM_AuditRead_50Clients)->Unit(benchmark::kMillisecond)->Iterations(1);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (::geteuid() != 0) {
        std::fprintf(stderr, "bench_api: needs root (the service runs gVisor sandboxes); skipped\n");
        return 0;
    }
    QTemporaryDir dir(QStringLiteral("/tmp/osh-bench-api-XXXXXX"));
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
    std::string error;
    auto store = AuditStore::open(dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
    if (!store) {
        std::fprintf(stderr, "bench_api: %s\n", error.c_str());
        return 1;
    }
    osh::service::ApiService::Options o;
    o.store = store.get();
    o.dataDir = dir.path();
    o.requestsPerSecond = 1e6;
    o.burst = 1e6;
    o.version = "bench";
    osh::service::ApiService service(o);
    g_service = &service;
    osh::service::HttpServer::Limits limits;
    osh::service::HttpServer server(service.handler(), limits);
    const std::string socket = dir.filePath(QStringLiteral("api.sock")).toStdString();
    if (!server.listenUnix(socket, 0600, static_cast<gid_t>(-1), &error)) {
        std::fprintf(stderr, "bench_api: %s\n", error.c_str());
        return 1;
    }
    server.start();
    g_endpoint.path = socket;

    int rc = 0;
    std::thread runner([&] {
        ApiClient c(g_endpoint);
        const auto r = c.request("POST", "/v1/sessions", kCreate, 120000);
        if (r.status != 201) {
            std::fprintf(stderr, "bench_api: cannot start the session: %s\n", r.message().c_str());
            rc = 1;
        } else {
            g_session = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object().value(QStringLiteral("id")).toString().toStdString();
            const auto b = c.request("POST", "/v1/sessions", kCreateBlocked, 120000);
            g_blocked = QJsonDocument::fromJson(QByteArray::fromStdString(b.body)).object().value(QStringLiteral("id")).toString().toStdString();
            if (b.status != 201) {
                std::fprintf(stderr, "bench_api: cannot start the second session: %s\n", b.message().c_str());
                rc = 1;
            } else {
                benchmark::RunSpecifiedBenchmarks();
            }
            c.request("DELETE", "/v1/sessions/" + g_session);
            c.request("DELETE", "/v1/sessions/" + g_blocked);
        }
        QMetaObject::invokeMethod(&app, [] {
            g_service->shutdown(20000, [] { QCoreApplication::quit(); });
        });
    });
    app.exec();
    runner.join();
    server.stop();
    return rc;
}
