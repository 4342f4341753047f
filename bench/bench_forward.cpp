// Forwarding lag: events appended to an audit store at a steady rate (three
// interleaved sessions, as the demo writes them) and forwarded by a
// Forwarder with the service's defaults to an HTTP collector on loopback.
// The lag of an event is from the append call to the collector having read
// its batch; p50/p99/max over every event of the run.

#include "audit/auditstore.h"
#include "service/forwarder.h"

#include <benchmark/benchmark.h>

#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

// A minimal HTTP collector thread: answers 200 to every POST and notes when
// each event uid arrived.
class Collector
{
public:
    Collector()
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listen, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(m_listen, 8);
        socklen_t len = sizeof a;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { run(); });
    }
    ~Collector()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_listen);
    }
    int port() const { return m_port; }
    std::map<std::string, Clock::time_point> arrivals()
    {
        std::lock_guard lock(m_mutex);
        return m_arrivals;
    }
    std::size_t count()
    {
        std::lock_guard lock(m_mutex);
        return m_arrivals.size();
    }

private:
    void run()
    {
        int fd = -1;
        std::string in;
        while (!m_stop) {
            pollfd p{fd >= 0 ? fd : m_listen, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            if (fd < 0) {
                fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
                continue;
            }
            char buf[65536];
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) {
                ::close(fd);
                fd = -1;
                in.clear();
                continue;
            }
            in.append(buf, static_cast<std::size_t>(n));
            for (;;) {
                const auto end = in.find("\r\n\r\n");
                if (end == std::string::npos)
                    break;
                const auto cl = in.find("Content-Length: ");
                const std::size_t length = std::stoul(in.substr(cl + 16));
                if (in.size() < end + 4 + length)
                    break;
                const std::string body = in.substr(end + 4, length);
                in.erase(0, end + 4 + length);
                const auto now = Clock::now();
                {
                    std::lock_guard lock(m_mutex);
                    const std::string key = "\"log_name\":\"audit\",\"uid\":\"";
                    for (auto at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
                        const auto from = at + key.size();
                        const std::string uid = body.substr(from, body.find('"', from) - from);
                        if (uid.find("#finding") == std::string::npos) // an event's, not its finding's
                            m_arrivals.emplace(uid, now);
                    }
                }
                const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
                [[maybe_unused]] const auto w = ::write(fd, ok, sizeof ok - 1);
            }
        }
        if (fd >= 0)
            ::close(fd);
    }

    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
    std::map<std::string, Clock::time_point> m_arrivals;
};

// state.range(0): events per second; 5 seconds of them.
void BM_ForwardLag(benchmark::State &state)
{
    const int rate = static_cast<int>(state.range(0));
    const int total = rate * 5;
    for (auto _ : state) {
        QTemporaryDir dir;
        std::string error;
        auto store = osh::AuditStore::open(dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
        Collector collector;
        osh::service::Forwarder::Options o;
        o.target = *osh::service::ForwardTarget::parse("http://127.0.0.1:" + std::to_string(collector.port()) + "/", &error);
        o.storePath = dir.filePath(QStringLiteral("audit.db")).toStdString();
        o.cursorDir = dir.filePath(QStringLiteral("forward")).toStdString();
        o.productVersion = "bench";
        auto forwarder = osh::service::Forwarder::start(o, &error);
        if (!forwarder) {
            state.SkipWithError(error.c_str());
            return;
        }
        std::map<std::string, Clock::time_point> appended;
        int perSession[3] = {0, 0, 0};
        const auto start = Clock::now();
        for (int i = 0; i < total; ++i) {
            std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<long long>(i) * 1000000 / rate));
            osh::AuditEvent e;
            const int s = i % 3;
            e.sessionId = "bench-" + std::to_string(s);
            e.ts = osh::AuditStore::now();
            e.type = "tool_call";
            e.tool = "http_get";
            e.parameters = R"({"url":"https://api.example.com/v1/items?page=2"})";
            e.decision = i % 10 == 0 ? "block" : "allow";
            e.layer = "policy";
            e.message = "decided";
            appended.emplace(e.sessionId + "#" + std::to_string(++perSession[s]), Clock::now());
            store->append(std::move(e));
        }
        const auto deadline = Clock::now() + std::chrono::seconds(30);
        while (collector.count() < static_cast<std::size_t>(total) && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        const auto arrivals = collector.arrivals();
        std::vector<double> lags;
        for (const auto &[uid, t] : appended)
            if (const auto it = arrivals.find(uid); it != arrivals.end())
                lags.push_back(std::chrono::duration<double, std::milli>(it->second - t).count());
        if (lags.size() != appended.size()) {
            state.SkipWithError(("not every event arrived within 30 s: " + std::to_string(lags.size()) + " of " + std::to_string(appended.size()) + ", " + std::to_string(arrivals.size()) + " uids; " + forwarder->status().lastError).c_str());
            return;
        }
        std::sort(lags.begin(), lags.end());
        state.counters["events"] = static_cast<double>(lags.size());
        state.counters["p50_ms"] = lags[lags.size() / 2];
        state.counters["p99_ms"] = lags[lags.size() * 99 / 100];
        state.counters["max_ms"] = lags.back();
    }
}
BENCHMARK(BM_ForwardLag)->ArgName("events_per_s")->Arg(100)->Arg(2000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
