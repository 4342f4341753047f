// Two openshelld hosts sharing one PostgreSQL audit store (a throwaway
// cluster on a Unix socket, no TCP): each runs sessions; an escalation held
// on one host is approved from the other; each host lists, reads and
// replays (what-if) the other's sessions; the chains of both verify; each
// host forwards its own sessions' events; a second service under a host
// name in use is refused; and a host killed with SIGKILL mid-session loses
// no acknowledged event.

#include "httpcollector.h"
#include "servicefixture.h"

#include "../support/pgcluster.h"
#include "audit/auditchain.h"
#include "audit/auditstore.h"

#include <QJsonArray>
#include <QThread>

#include <atomic>
#include <csignal>
#include <thread>

using osh::service::ApiClient;
using osh::service::ApiResponse;
using osh::test::HttpCollector;
using osh::test::json;
using osh::test::osctlAs;
using osh::test::PgCluster;
using osh::test::Proc;
using osh::test::ServiceFixture;

namespace {

QJsonObject sleepingSession(const QString &policies = {})
{
    return {{QStringLiteral("policy_yaml"),
             QStringLiteral("version: 1\nname: shared\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 120\n"
                            "  cleanup_policy: destroy\n%1")
                 .arg(policies)},
            {QStringLiteral("command"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("100")}}};
}

} // namespace

class TstOpenshelldShared : public QObject
{
    Q_OBJECT

    PgCluster m_pg;
    QString m_store;

    // A host of the shared store, named name.
    static bool startHost(ServiceFixture &svc, const QString &store, const QString &name)
    {
        return svc.start({QStringLiteral("--store"), store, QStringLiteral("--data-dir"), svc.dir.filePath(QStringLiteral("data")),
                          QStringLiteral("--host-name"), name});
    }

    static QString create(ServiceFixture &svc, const QJsonObject &body)
    {
        const ApiResponse r = svc.call("POST", "/v1/sessions", body, 120000);
        if (r.status != 201)
            qWarning("create: %d %s", r.status, r.body.c_str());
        return json(r).value(QStringLiteral("id")).toString();
    }

    static void end(ServiceFixture &svc, const QString &id)
    {
        svc.call("DELETE", "/v1/sessions/" + id.toStdString());
        for (int i = 0; i < 600; ++i) {
            if (json(svc.call("GET", "/v1/sessions/" + id.toStdString())).value(QStringLiteral("state")).toString()
                == QLatin1StringView("ended"))
                return;
            QThread::msleep(100);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
        m_store = QString::fromStdString(m_pg.conninfo());
    }

    void twoHostsShareOneStore()
    {
        ServiceFixture a, b;
        QVERIFY2(startHost(a, m_store, QStringLiteral("host-a")), a.log.constData());
        QVERIFY2(startHost(b, m_store, QStringLiteral("host-b")), b.log.constData());

        // Host A holds a command for approval; host B's approver releases it.
        const QString held = create(a, sleepingSession(QStringLiteral(
            "policies:\n  - name: hold-exec\n    trigger: tool_call\n    condition: tool.name == 'exec'\n"
            "    action: escalate\n    message: commands need approval\n")));
        QVERIFY(!held.isEmpty());
        ApiResponse released;
        std::thread exec([&] {
            ApiClient c(a.unixEndpoint());
            released = c.request("POST", "/v1/sessions/" + held.toStdString() + "/exec",
                                 R"({"argv":["sh","-c","echo released"]})", 90000);
        });
        qint64 approval = 0;
        for (int i = 0; i < 200 && approval == 0; ++i) {
            for (const auto &x : json(b.call("GET", "/v1/approvals")).value(QStringLiteral("approvals")).toArray())
                if (x.toObject().value(QStringLiteral("session_id")).toString() == held)
                    approval = x.toObject().value(QStringLiteral("id")).toInteger();
            QThread::msleep(100);
        }
        QVERIFY2(approval > 0, "host B never saw host A's approval");
        // The real parameters stay with the host that holds the action: host
        // B says which host that is; host A shows them.
        const std::string route = "/v1/approvals/" + std::to_string(approval);
        const QJsonObject onB = json(b.call("GET", route));
        QCOMPARE(onB.value(QStringLiteral("real_parameters_status")).toString(), QStringLiteral("held_elsewhere"));
        QCOMPARE(onB.value(QStringLiteral("parameters_held_by")).toString(), QStringLiteral("host-a"));
        QVERIFY(onB.value(QStringLiteral("real_parameters")).isNull());
        const QJsonObject onA = json(a.call("GET", route));
        QCOMPARE(onA.value(QStringLiteral("real_parameters_status")).toString(), QStringLiteral("available"));
        QCOMPARE(onA.value(QStringLiteral("real_parameters")).toObject().value(QStringLiteral("argv")).toArray().last().toString(),
                 QStringLiteral("echo released"));
        const Proc approver = osctlAs(65534, 65534, {b.clients, b.approvers}, b.socket,
                                      {QStringLiteral("approvals"), QStringLiteral("approve"), QString::number(approval),
                                       QStringLiteral("--note"), QStringLiteral("from host B")});
        QVERIFY2(approver.code == 0, qPrintable(approver.err));
        exec.join();
        QVERIFY2(released.status == 200, released.body.c_str());
        QCOMPARE(json(released).value(QStringLiteral("stdout")).toString(), QStringLiteral("released\n"));

        // Host B runs a session of its own meanwhile.
        const QString own = create(b, sleepingSession());
        QVERIFY(!own.isEmpty());
        QCOMPARE(b.call("POST", "/v1/sessions/" + own.toStdString() + "/exec", {{QStringLiteral("argv"), QJsonArray{QStringLiteral("true")}}}, 60000)
                     .status,
                 200);
        end(a, held);
        end(b, own);

        // Each host's own refusals (a token without the audit scope) go to
        // a session of its own.
        for (ServiceFixture *svc : {&a, &b}) {
            ApiClient c(svc->tcpEndpoint(ServiceFixture::kNobodyToken));
            QCOMPARE(c.request("GET", "/v1/audit/forwarders").status, 403);
        }
        // Each host lists both sessions, each under the host that ran it
        // (the refusals are committed in the next batch: waited for).
        for (ServiceFixture *svc : {&a, &b}) {
            QMap<QString, QString> hosts;
            for (int i = 0; i < 100 && hosts.size() < 4; ++i) {
                if (i)
                    QThread::msleep(100);
                hosts.clear();
                for (const auto &s : json(svc->call("GET", "/v1/audit/sessions")).value(QStringLiteral("sessions")).toArray())
                    hosts[s.toObject().value(QStringLiteral("id")).toString()] = s.toObject().value(QStringLiteral("host")).toString();
            }
            QCOMPARE(hosts.value(held), QStringLiteral("host-a"));
            QCOMPARE(hosts.value(own), QStringLiteral("host-b"));
            QCOMPARE(hosts.value(QStringLiteral("openshelld@host-a")), QStringLiteral("host-a"));
            QCOMPARE(hosts.value(QStringLiteral("openshelld@host-b")), QStringLiteral("host-b"));
        }
        // Host B reads host A's session, the approval and its release included.
        const QJsonArray events = json(b.call("GET", "/v1/audit/events?session=" + held.toStdString())).value(QStringLiteral("events")).toArray();
        QStringList decisions;
        for (const auto &e : events)
            decisions << e.toObject().value(QStringLiteral("decision")).toString();
        QVERIFY2(decisions.contains(QStringLiteral("escalate")), qPrintable(decisions.join(QLatin1Char(','))));
        // What-if of each host's session from the other: a policy blocking exec.
        const QString blockExec = QStringLiteral("version: 1\nname: no-exec\npolicies:\n  - name: no-exec\n    trigger: tool_call\n"
                                                 "    condition: tool.name == 'exec'\n    action: block\n    message: no commands\n");
        for (auto [svc, session] : {std::pair{&b, held}, std::pair{&a, own}}) {
            const ApiResponse w = svc->call("POST", "/v1/policies/whatif",
                                            {{QStringLiteral("session"), session}, {QStringLiteral("policy_yaml"), blockExec}});
            QVERIFY2(w.status == 200, w.body.c_str());
            QVERIFY2(json(w).value(QStringLiteral("changed")).toInt() >= 1, w.body.c_str());
        }
        // The approval records who decided it, on which host it was held.
        const auto store = [&] {
            std::string error;
            auto s = osh::AuditStore::open(m_store.toStdString(), error);
            if (!s)
                qWarning("%s", error.c_str());
            return s;
        }();
        QVERIFY(store);
        const auto record = store->approval(approval);
        QVERIFY(record);
        QCOMPARE(record->resolverUid, std::optional<std::uint32_t>(65534));
        QCOMPARE(record->note, std::string("from host B"));

        // Both hosts' chains verify, each signed by its own key.
        std::vector<osh::audit::ChainReport> reports;
        std::string error;
        QVERIFY2(osh::audit::verifyChains(m_store.toStdString(), {}, reports, error), error.c_str());
        QSet<QString> signers;
        for (const auto &r : reports) {
            QVERIFY2(!r.broken, (r.sessionId + ": " + r.problem).c_str());
            if (r.sessionId == held.toStdString() || r.sessionId == own.toStdString())
                signers.insert(QString::fromStdString(r.signer));
        }
        QCOMPARE(signers.size(), 2);
        QCOMPARE(a.stop(), 0);
        QCOMPARE(b.stop(), 0);
    }

    // Each host forwards its own sessions' events (and its own refusals),
    // none of another host's, and resumes from its cursor after a restart.
    // A second service under a host name in use is refused.
    void eachHostForwardsItsOwn()
    {
        HttpCollector toA, toB;
        QVERIFY(toA.up() && toB.up());
        const auto url = [](const HttpCollector &c) { return QStringLiteral("http://127.0.0.1:%1/collector").arg(c.port); };
        ServiceFixture a, b;
        const auto startForwarding = [&](ServiceFixture &svc, const QString &name, const HttpCollector &c) {
            return svc.start({QStringLiteral("--store"), m_store, QStringLiteral("--data-dir"), svc.dir.filePath(QStringLiteral("data")),
                              QStringLiteral("--host-name"), name, QStringLiteral("--forward"), url(c)});
        };
        QVERIFY2(startForwarding(a, QStringLiteral("fwd-a"), toA), a.log.constData());
        QVERIFY2(startForwarding(b, QStringLiteral("fwd-b"), toB), b.log.constData());
        QVERIFY2(a.log.contains("from event 1\n"), a.log.constData());

        ServiceFixture again;
        QVERIFY(!again.start({QStringLiteral("--store"), m_store, QStringLiteral("--data-dir"),
                              again.dir.filePath(QStringLiteral("data")), QStringLiteral("--host-name"), QStringLiteral("fwd-a")}));
        again.process.waitForFinished(10000);
        again.log += again.process.readAllStandardError();
        QVERIFY2(again.log.contains("another writer uses the host name fwd-a"), again.log.constData());

        const QString onA = create(a, sleepingSession());
        const QString onB = create(b, sleepingSession());
        QVERIFY(!onA.isEmpty() && !onB.isEmpty());
        for (auto [svc, id] : {std::pair{&a, onA}, std::pair{&b, onB}})
            QCOMPARE(svc->call("POST", "/v1/sessions/" + id.toStdString() + "/exec",
                               {{QStringLiteral("argv"), QJsonArray{QStringLiteral("true")}}}, 60000)
                         .status,
                     200);
        end(a, onA);
        end(b, onB);

        // Every event of a host's session reaches that host's collector, and
        // only that one.
        const auto received = [](const HttpCollector &c) {
            QSet<QString> out;
            for (const QJsonObject &o : c.objects()) {
                const QJsonObject m = o.value(QStringLiteral("metadata")).toObject();
                out.insert(m.value(QStringLiteral("correlation_uid")).toString() + QLatin1Char('#')
                           + QString::number(m.value(QStringLiteral("sequence")).toInteger()));
            }
            return out;
        };
        for (auto [svc, id, own, other] : {std::tuple{&a, onA, &toA, &toB}, std::tuple{&b, onB, &toB, &toA}}) {
            const QJsonArray events =
                json(svc->call("GET", "/v1/audit/events?session=" + id.toStdString())).value(QStringLiteral("events")).toArray();
            QVERIFY(events.size() >= 4);
            QSet<QString> expected;
            for (const auto &e : events)
                expected.insert(id + QLatin1Char('#') + QString::number(e.toObject().value(QStringLiteral("seq")).toInteger()));
            QTRY_VERIFY_WITH_TIMEOUT(received(*own).contains(expected), 20000);
            for (const QString &key : received(*other))
                QVERIFY2(!key.startsWith(id + QLatin1Char('#')), qPrintable(key));
        }

        // A restart resumes from the cursor: nothing is sent again.
        QTRY_COMPARE_WITH_TIMEOUT(json(a.call("GET", "/v1/audit/forwarders"))
                                      .value(QStringLiteral("forwarders")).toArray().at(0).toObject()
                                      .value(QStringLiteral("pending")).toInteger(), 0, 20000);
        const std::size_t before = toA.objects().size();
        QCOMPARE(a.stop(), 0);
        a.log.clear();
        QVERIFY2(startForwarding(a, QStringLiteral("fwd-a"), toA), a.log.constData());
        QVERIFY2(!a.log.contains("from event 1\n"), a.log.constData());
        QTest::qWait(1500);
        QCOMPARE(toA.objects().size(), before);
        QCOMPARE(a.stop(), 0);
        QCOMPARE(b.stop(), 0);
    }

    // Options that do not fit the store are refused before anything starts.
    void optionsThatDoNotFit_data()
    {
        QTest::addColumn<bool>("shared");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("message");
        QTest::newRow("host name of a file") << false << QStringList{QStringLiteral("--host-name"), QStringLiteral("a")}
                                             << QStringLiteral("--host-name names this host in a shared PostgreSQL store");
        QTest::newRow("password in the store") << false
                                               << QStringList{QStringLiteral("--store"),
                                                              QStringLiteral("postgresql://osh:SECRET42@/postgres?host=/nonexistent")}
                                               << QStringLiteral("holds a password");
        QTest::newRow("host name with a slash") << true << QStringList{QStringLiteral("--host-name"), QStringLiteral("a/b")}
                                                << QStringLiteral("--host-name must be 1 to 255 letters");
    }
    void optionsThatDoNotFit()
    {
        QFETCH(bool, shared);
        QFETCH(QStringList, options);
        QFETCH(QString, message);
        ServiceFixture svc;
        QVERIFY(!svc.start((shared ? QStringList{QStringLiteral("--store"), m_store} : QStringList{}) + options));
        svc.process.waitForFinished(10000);
        svc.log += svc.process.readAllStandardError();
        QVERIFY2(svc.log.contains(message.toUtf8()), svc.log.constData());
        QVERIFY2(!svc.log.contains("SECRET42"), svc.log.constData());
        QCOMPARE(svc.process.exitCode(), 1);
    }

    // A host killed mid-session: every event it streamed as committed is
    // in the shared store, read through the host that is still up.
    void sigkillLosesNothingAcknowledged()
    {
        ServiceFixture a, b;
        QVERIFY2(startHost(a, m_store, QStringLiteral("host-a")), a.log.constData());
        QVERIFY2(startHost(b, m_store, QStringLiteral("host-b")), b.log.constData());
        const std::string id = create(a, sleepingSession()).toStdString();
        QVERIFY(!id.empty());
        const std::vector<qint64> acknowledged = osh::test::streamUntilKilled(a, id);
        std::string error;
        QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-f"), QString::fromStdString(id)});
        QVERIFY(acknowledged.size() > 3);

        // Read through the surviving host.
        QSet<qint64> stored;
        const QJsonArray events = json(b.call("GET", "/v1/audit/events?session=" + id)).value(QStringLiteral("events")).toArray();
        for (const auto &e : events)
            stored.insert(e.toObject().value(QStringLiteral("seq")).toInteger());
        for (qint64 seq : acknowledged)
            QVERIFY2(stored.contains(seq), qPrintable(QStringLiteral("event %1 was streamed but is not in the store").arg(seq)));
        std::vector<osh::audit::ChainReport> reports;
        osh::audit::VerifyOptions options;
        options.sessionId = id;
        QVERIFY2(osh::audit::verifyChains(m_store.toStdString(), options, reports, error), error.c_str());
        QVERIFY2(!reports.at(0).broken, reports.at(0).problem.c_str());
        QCOMPARE(b.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TstOpenshelldShared)
#include "tst_openshelldshared.moc"
