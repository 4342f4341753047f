#pragma once
// Runs a NetworkGuardianProxy on its own thread (the test thread uses
// blocking loopback clients) and records everything it reports.

#include "network/networkguardianproxy.h"

#include "../core/enginetesthelpers.h"

#include <QThread>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace osh::nettest {

struct Recorded
{
    std::vector<std::pair<Request, Decision>> decisions;
    std::vector<std::pair<QString, QString>> cuts; // host, reason
    std::vector<std::pair<qint64, qint64>> closed;
    std::vector<std::pair<int, QString>> rejected;
};

class ProxyHarness
{
public:
    explicit ProxyHarness(const std::string &policyText)
        : m_engine(std::make_shared<DecisionEngine>(test::policyFrom(policyText)))
    {
        m_thread.start();
        m_ctx = new QObject;
        m_ctx->moveToThread(&m_thread);
        run([this] {
            m_proxy = new runtime::NetworkGuardianProxy(m_engine, m_state, m_stateMutex);
            using P = runtime::NetworkGuardianProxy;
            QObject::connect(m_proxy, &P::egressDecided, m_proxy, [this](const Request &r, const Decision &d) {
                std::lock_guard l(m_mutex);
                m_rec.decisions.emplace_back(r, d);
            }, Qt::DirectConnection);
            QObject::connect(m_proxy, &P::connectionCut, m_proxy, [this](const QString &, const QString &h, const QString &why) {
                std::lock_guard l(m_mutex);
                m_rec.cuts.emplace_back(h, why);
            }, Qt::DirectConnection);
            QObject::connect(m_proxy, &P::connectionClosed, m_proxy, [this](const QString &, const QString &, qint64 up, qint64 down) {
                std::lock_guard l(m_mutex);
                m_rec.closed.emplace_back(up, down);
            }, Qt::DirectConnection);
            QObject::connect(m_proxy, &P::requestRejected, m_proxy, [this](const QString &, const QString &, int st, const QString &why) {
                std::lock_guard l(m_mutex);
                m_rec.rejected.emplace_back(st, why);
            }, Qt::DirectConnection);
        });
    }
    ~ProxyHarness()
    {
        run([this] {
            delete m_proxy;
            delete m_ctx;
        });
        m_thread.quit();
        m_thread.wait();
    }

    template<typename F>
    void run(F f)
    {
        QMetaObject::invokeMethod(m_ctx, f, Qt::BlockingQueuedConnection);
    }
    quint16 listenTcp(const QString &identity)
    {
        quint16 port = 0;
        run([&] { port = m_proxy->listenTcp(identity); });
        return port;
    }
    bool listenUnix(const QString &identity, const QString &path)
    {
        bool ok = false;
        run([&] { ok = m_proxy->listen(identity, path); });
        return ok;
    }
    Recorded recorded()
    {
        std::lock_guard l(m_mutex);
        return m_rec;
    }
    int connectAttempts()
    {
        int n = 0;
        run([&] { n = m_proxy->upstreamConnects(); });
        return n;
    }
    int activeTunnels()
    {
        int n = 0;
        run([&] { n = m_proxy->activeTunnels(); });
        return n;
    }
    runtime::NetworkGuardianProxy *proxy() { return m_proxy; }

private:
    std::shared_ptr<const DecisionEngine> m_engine;
    SessionState m_state{"proxy-test"};
    std::mutex m_stateMutex;
    QThread m_thread;
    QObject *m_ctx = nullptr;
    runtime::NetworkGuardianProxy *m_proxy = nullptr;
    std::mutex m_mutex;
    Recorded m_rec;
};

// Polls cond every few milliseconds until it holds or timeoutMs passes.
template<typename F>
bool waitUntil(F cond, int timeoutMs = 5000)
{
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!cond()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

} // namespace osh::nettest
