// openshelld --forward end to end: the service forwards what it commits to
// an HTTP collector on loopback, keeps a destination that is down pending
// (visible in `osctl audit forwarders`, run as another uid), resumes from its
// cursor after a restart, and refuses a destination it must not use.

#include "servicefixture.h"

#include "httpcollector.h"

#include <QJsonArray>

#include <set>

using osh::test::HttpCollector;
using osh::test::json;
using osh::test::osctlAs;
using osh::test::Proc;
using osh::test::ServiceFixture;

namespace {

std::set<QString> uids(const std::vector<QJsonObject> &objects, std::size_t from = 0)
{
    std::set<QString> out;
    for (std::size_t i = from; i < objects.size(); ++i)
        out.insert(objects[i].value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString());
    return out;
}

// A loopback port nothing listens on.
quint16 closedPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    return s.serverPort();
}

} // namespace

class TstOpenshelldForward : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void forwardsWhatItCommits()
    {
        HttpCollector collector;
        QVERIFY(collector.up());
        ServiceFixture svc;
        const QString token = svc.dir.filePath(QStringLiteral("collector.token"));
        {
            QFile f(token);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("collector-token-42\n");
            f.close();
            QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        }
        const QString http = QStringLiteral("http://127.0.0.1:%1/services/collector?token_file=%2").arg(collector.port).arg(token);
        const QString down = QStringLiteral("syslog://127.0.0.1:%1").arg(closedPort());
        QVERIFY2(svc.start({QStringLiteral("--forward"), http, QStringLiteral("--forward"), down}), svc.log.constData());
        QVERIFY2(svc.log.contains(QByteArray(QByteArray("forwarding audit events to ") + http.toUtf8() + " from event 1")), svc.log.constData());

        // Three refused requests: three committed events, each with its finding.
        for (int i = 0; i < 3; ++i) {
            osh::service::ApiClient c(svc.tcpEndpoint(ServiceFixture::kNobodyToken));
            QCOMPARE(c.request("GET", "/v1/audit/forwarders").status, 403);
        }
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(uids(collector.objects()).size()), 6, 20000);
        QCOMPARE(collector.authorizations.front(), QByteArray("Bearer collector-token-42"));
        for (const QJsonObject &o : collector.objects())
            QCOMPARE(o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("version")).toString(),
                     QStringLiteral("1.8.0"));

        // A member of the service's group sees both destinations.
        Proc r = osctlAs(65534, 65534, {svc.clients}, svc.socket, {QStringLiteral("audit"), QStringLiteral("forwarders")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].startsWith(QStringLiteral("DESTINATION")), qPrintable(r.out));
        QVERIFY2(lines[2].startsWith(down) && lines[2].contains(QStringLiteral("retrying"))
                     && lines[2].contains(QStringLiteral("Connection refused")),
                 qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("collector-token-42")), qPrintable(r.out));
        r = osctlAs(65534, 65534, {svc.clients}, svc.socket,
                    {QStringLiteral("audit"), QStringLiteral("forwarders"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray list = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject().value(QStringLiteral("pending")).toInt(), 0);
        QCOMPARE(list[0].toObject().value(QStringLiteral("delivered")).toInt(), 3);
        QVERIFY(list[1].toObject().value(QStringLiteral("pending")).toInt() >= 3);
        QVERIFY(list[1].toObject().value(QStringLiteral("lag_seconds")).toDouble() > 0);
        QVERIFY(list[1].toObject().value(QStringLiteral("last_delivery")).isNull());
        // Not a member: refused at the socket (a token without the audit
        // scope got 403 above, which is what was forwarded).
        r = osctlAs(65534, 65534, {}, svc.socket, {QStringLiteral("audit"), QStringLiteral("forwarders")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("Permission denied")), qPrintable(r.err));
        QVERIFY2(collector.objects().front().value(QStringLiteral("message")).toString().contains(
                     QStringLiteral("lacks the scope audit")),
                 collector.bodies.front().constData());

        // A restart resumes from the cursor: nothing delivered comes again.
        QCOMPARE(svc.stop(), 0);
        const std::size_t before = collector.objects().size();
        const std::set<QString> delivered = uids(collector.objects());
        svc.log.clear(); // the new port is read from what it prints
        QVERIFY2(svc.start({QStringLiteral("--forward"), http, QStringLiteral("--forward"), down}), svc.log.constData());
        QVERIFY2(svc.log.contains(QByteArray(QByteArray("forwarding audit events to ") + http.toUtf8() + " from event 4")),
                 svc.log.constData());
        {
            osh::service::ApiClient c(svc.tcpEndpoint(ServiceFixture::kNobodyToken));
            QCOMPARE(c.request("GET", "/v1/audit/forwarders").status, 403);
        }
        QTRY_VERIFY_WITH_TIMEOUT(collector.objects().size() > before, 20000);
        QTest::qWait(500);
        for (const QString &uid : uids(collector.objects(), before))
            QVERIFY2(!delivered.count(uid), qPrintable(uid));
        const auto answer = svc.call("GET", "/v1/audit/forwarders");
        QVERIFY(answer.ok());
        QCOMPARE(json(answer).value(QStringLiteral("forwarders")).toArray().size(), 2);
        QCOMPARE(svc.stop(), 0);

        // The answer has the shape the OpenAPI document gives.
        QByteArray report;
        QVERIFY2(svc.responsesMatchDocument(&report), report.constData());
    }

    // A destination it must not use stops the start, before any connection.
    void refusesAPlainRemoteDestination()
    {
        ServiceFixture svc;
        QVERIFY(!svc.start({QStringLiteral("--forward"), QStringLiteral("http://192.0.2.10:8088/collector")}));
        svc.process.waitForFinished(5000);
        svc.log += svc.process.readAllStandardError();
        QVERIFY2(svc.log.contains("--forward 'http://192.0.2.10:8088/collector': without TLS only to a loopback address"),
                 svc.log.constData());
        QVERIFY(!svc.start({QStringLiteral("--forward"), QStringLiteral("https://127.0.0.1:1/?token_file=/nonexistent")}));
        svc.process.waitForFinished(5000);
        svc.log += svc.process.readAllStandardError();
        QVERIFY2(svc.log.contains("token_file /nonexistent"), svc.log.constData());
    }
};

QTEST_GUILESS_MAIN(TstOpenshelldForward)
#include "tst_openshelldforward.moc"
