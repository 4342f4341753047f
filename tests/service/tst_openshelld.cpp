// openshelld end to end: a real service on a temporary socket and a
// loopback port, real gVisor sessions, clients as other uids (setpriv).

#include "servicefixture.h"

#include "audit/auditstore.h"
#include "service/apiservice.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocalSocket>
#include <QSet>
#include <QTcpSocket>

#include <atomic>
#include <mutex>
#include <thread>

#include <csignal>

#include <sys/stat.h>
#include <unistd.h>

using osh::service::ApiClient;
using osh::service::ApiResponse;
using osh::test::json;
using osh::test::ServiceFixture;
using osh::test::osctlAs;
using osh::test::Proc;

namespace {

QJsonObject inlinePolicy(const QString &extra = {}, int seconds = 60)
{
    return {{QStringLiteral("policy_yaml"),
             QStringLiteral("version: 1\nname: svc-test\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: %1\n"
                            "  cleanup_policy: destroy\n%2")
                 .arg(seconds)
                 .arg(extra)}};
}

// Raw bytes to the Unix socket; what came back before the service closed
// the connection (or timeoutMs passed).
QByteArray raw(const QString &socket, const QByteArray &bytes, int timeoutMs = 3000)
{
    QLocalSocket s;
    s.connectToServer(socket);
    if (!s.waitForConnected(2000))
        return "NOCONNECT";
    s.write(bytes);
    s.flush();
    QByteArray got;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs && s.state() == QLocalSocket::ConnectedState) {
        s.waitForReadyRead(100);
        got += s.readAll();
    }
    got += s.readAll();
    return got;
}

QString writeFile(const QString &path, const QByteArray &text, int mode = 0644)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    f.close();
    ::chmod(QFile::encodeName(path).constData(), static_cast<mode_t>(mode));
    return path;
}

struct stat statOf(const QString &path)
{
    struct stat st{};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return st;
}

} // namespace

class TestOpenshelld : public QObject
{
    Q_OBJECT

    ServiceFixture m_svc;

    // A session created as root through the API; its id.
    QString createSession(const QJsonObject &body)
    {
        const ApiResponse r = m_svc.call("POST", "/v1/sessions", body, 120000);
        if (r.status != 201)
            qWarning("create: %d %s", r.status, r.body.c_str());
        return json(r).value(QStringLiteral("id")).toString();
    }

    // A service of its own with one session sleeping in it; the session's id
    // (empty when either could not start).
    static std::string startSleeping(ServiceFixture &svc)
    {
        if (!svc.start())
            return {};
        QJsonObject body = inlinePolicy();
        body.insert(QStringLiteral("command"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("50")});
        const ApiResponse r = svc.call("POST", "/v1/sessions", body, 120000);
        return r.status == 201 ? json(r).value(QStringLiteral("id")).toString().toStdString() : std::string();
    }

    QJsonObject waitEnded(const QString &id, int timeoutMs = 60000)
    {
        QElapsedTimer t;
        t.start();
        QJsonObject s;
        while (t.elapsed() < timeoutMs) {
            s = json(m_svc.call("GET", "/v1/sessions/" + id.toStdString()));
            if (s.value(QStringLiteral("state")).toString() == QLatin1StringView("ended"))
                return s;
            QThread::msleep(100);
        }
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("openshelld needs root (it creates sandboxes); the clients in this test run as other uids");
        QVERIFY2(m_svc.start({QStringLiteral("--rate-limit"), QStringLiteral("100"), QStringLiteral("--client-timeout"),
                              QStringLiteral("2")}),
                 m_svc.log.constData());
    }

    void cleanupTestCase()
    {
        if (::geteuid() == 0)
            QCOMPARE(m_svc.stop(), 0);
    }

    void infoNamesThePeer()
    {
        const ApiResponse r = m_svc.call("GET", "/v1/info");
        QCOMPARE(r.status, 200);
        const QJsonObject o = json(r);
        QCOMPARE(o.value(QStringLiteral("api")).toString(), QStringLiteral("v1"));
        const QJsonObject peer = o.value(QStringLiteral("peer")).toObject();
        QCOMPARE(peer.value(QStringLiteral("uid")).toInt(), 0);
        QCOMPARE(peer.value(QStringLiteral("via")).toString(), QStringLiteral("unix"));
        QVERIFY(peer.value(QStringLiteral("scopes")).toArray().contains(QStringLiteral("admin")));
        // Over TCP, the token's identity.
        ApiClient tcp(m_svc.tcpEndpoint(ServiceFixture::kAuditToken));
        const QJsonObject t = json(tcp.request("GET", "/v1/info"));
        QCOMPARE(t.value(QStringLiteral("peer")).toObject().value(QStringLiteral("token")).toString(), QStringLiteral("auditor"));
        QCOMPARE(t.value(QStringLiteral("peer")).toObject().value(QStringLiteral("uid")).toInt(), 65534);
    }

    // Every route the service serves is in the OpenAPI document, with the
    // same scopes, and the document has no route the service lacks.
    void openApiDocumentMatchesTheRoutes()
    {
        QFile f(QStringLiteral(OSH_SOURCE_DIR "/docs/openapi.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray fileBytes = f.readAll();
        const QJsonObject doc = QJsonDocument::fromJson(fileBytes).object();
        const ApiResponse served = m_svc.call("GET", "/v1/openapi.json");
        QCOMPARE(served.status, 200);
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(served.body)).object(), doc);

        const QJsonObject paths = doc.value(QStringLiteral("paths")).toObject();
        QSet<QString> documented;
        for (auto p = paths.begin(); p != paths.end(); ++p)
            for (const QString &m : p.value().toObject().keys())
                if (m == QLatin1StringView("get") || m == QLatin1StringView("post") || m == QLatin1StringView("delete")
                    || m == QLatin1StringView("put") || m == QLatin1StringView("patch"))
                    documented.insert(m.toUpper() + QLatin1Char(' ') + p.key());
        QSet<QString> served2;
        for (const auto &r : osh::service::ApiService::routes()) {
            const QString key = QString::fromLatin1(r.method) + QLatin1Char(' ') + QString::fromLatin1(r.pattern);
            served2.insert(key);
            QVERIFY2(documented.contains(key), qPrintable(key + QStringLiteral(" is not in docs/openapi.json")));
            const QJsonObject op = paths.value(QString::fromLatin1(r.pattern)).toObject().value(QString::fromLatin1(r.method).toLower()).toObject();
            QStringList docScopes;
            for (const auto &s : op.value(QStringLiteral("x-openshell-scopes")).toArray())
                docScopes << s.toString();
            QStringList ours;
            for (const auto &s : osh::service::scopeList(r.scopes))
                ours << QString::fromStdString(s);
            docScopes.sort();
            ours.sort();
            QVERIFY2(docScopes == ours, qPrintable(key + QStringLiteral(": documented scopes ") + docScopes.join(QLatin1Char(','))
                                                   + QStringLiteral(", served ") + ours.join(QLatin1Char(','))));
        }
        for (const QString &d : documented)
            QVERIFY2(served2.contains(d), qPrintable(d + QStringLiteral(" is documented but not served")));
    }

    void errorsAreProblems_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown route") << "GET" << "/v1/nope" << QByteArray() << 404 << "not-found" << "";
        QTest::newRow("method") << "PUT" << "/v1/sessions" << QByteArray("{}") << 405 << "method-not-allowed" << "";
        QTest::newRow("bad json") << "POST" << "/v1/policies/validate" << QByteArray("{\"policy_yaml\": ") << 400 << "invalid-json" << "";
        QTest::newRow("not an object") << "POST" << "/v1/policies/validate" << QByteArray("[1]") << 400 << "invalid-json" << "";
        QTest::newRow("unknown member") << "POST" << "/v1/sessions" << QByteArray(R"({"policy_path":"/x","bogus":1})") << 400
                                        << "invalid-field" << "bogus";
        QTest::newRow("wrong type") << "POST" << "/v1/sessions" << QByteArray(R"({"policy_yaml":5})") << 400 << "invalid-field"
                                    << "policy_yaml";
        QTest::newRow("both policies") << "POST" << "/v1/sessions" << QByteArray(R"({"policy_yaml":"a","policy_path":"/b"})") << 400
                                       << "invalid-field" << "policy_yaml";
        QTest::newRow("command item") << "POST" << "/v1/sessions"
                                      << QByteArray(R"({"policy_yaml":"version: 1\nname: x\n","command":["sh",7]})") << 400
                                      << "invalid-field" << "command[1]";
        QTest::newRow("reserved env") << "POST" << "/v1/sessions"
                                      << QByteArray(R"({"policy_yaml":"version: 1\nname: x\n","env":{"HTTPS_PROXY":"x"}})") << 400
                                      << "invalid-field" << "env.HTTPS_PROXY";
        QTest::newRow("policy errors") << "POST" << "/v1/sessions" << QByteArray(R"({"policy_yaml":"version: 1\nname: x\nbogus: 1\n"})")
                                       << 422 << "policy-invalid" << "policy_yaml";
        QTest::newRow("no session") << "GET" << "/v1/sessions/doesnotexist" << QByteArray() << 404 << "not-found" << "id";
        QTest::newRow("bad limit") << "GET" << "/v1/audit/events?limit=0" << QByteArray() << 400 << "invalid-field" << "limit";
        QTest::newRow("bad type") << "GET" << "/v1/audit/events?type=tool_cal" << QByteArray() << 400 << "invalid-field" << "type";
        QTest::newRow("bad cursor") << "GET" << "/v1/audit/events?after=xyz" << QByteArray() << 400 << "invalid-field" << "after";
        QTest::newRow("no approval") << "POST" << "/v1/approvals/999999/approve" << QByteArray("{}") << 404 << "not-found" << "id";
        QTest::newRow("approval id") << "POST" << "/v1/approvals/abc/approve" << QByteArray("{}") << 400 << "invalid-field" << "id";
        QTest::newRow("unreadable policy") << "POST" << "/v1/policies/validate" << QByteArray(R"({"policy_path":"/nonexistent/p.yaml"})")
                                           << 403 << "forbidden" << "policy_path";
    }

    void errorsAreProblems()
    {
        QFETCH(QString, method);
        QFETCH(QString, target);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, type);
        QFETCH(QString, field);
        const ApiResponse r = m_svc.callRaw(method.toStdString(), target.toStdString(), body.toStdString());
        QVERIFY2(r.status == status, r.body.c_str());
        QCOMPARE(QString::fromStdString(r.contentType), QStringLiteral("application/problem+json"));
        const QJsonObject o = json(r);
        QCOMPARE(o.value(QStringLiteral("type")).toString(), QStringLiteral("urn:openshell:problem:") + type);
        QCOMPARE(o.value(QStringLiteral("status")).toInt(), status);
        QVERIFY(!o.value(QStringLiteral("detail")).toString().isEmpty());
        if (!field.isEmpty())
            QCOMPARE(o.value(QStringLiteral("field")).toString(), field);
        if (status == 405)
            QVERIFY(r.headers.count("allow"));
        if (type == QLatin1StringView("policy-invalid"))
            QVERIFY(!o.value(QStringLiteral("diagnostics")).toArray().isEmpty());
    }

    void transportLimits()
    {
        // Not JSON at all.
        const QByteArray wrongType = raw(m_svc.socket, "POST /v1/policies/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                                                       "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
        QVERIFY2(wrongType.startsWith("HTTP/1.1 415"), wrongType.constData());
        // Over the body limit: refused from the declared length, not after reading it.
        const QByteArray big = raw(m_svc.socket, "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: 5000000\r\n\r\n{");
        QVERIFY2(big.startsWith("HTTP/1.1 413"), big.constData());
        QVERIFY(big.contains("urn:openshell:problem:payload-too-large"));
        const QByteArray headers = raw(m_svc.socket, "GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n");
        QVERIFY2(headers.startsWith("HTTP/1.1 431"), headers.left(200).constData());
        // TCP: a token is needed, and it must be right.
        ApiClient none(m_svc.tcpEndpoint(nullptr));
        const ApiResponse r1 = none.request("GET", "/v1/info");
        QCOMPARE(r1.status, 401);
        QVERIFY(r1.headers.count("www-authenticate"));
        ApiClient wrong(m_svc.tcpEndpoint("not-a-token-not-a-token-not-a-token-x"));
        QCOMPARE(wrong.request("GET", "/v1/info").status, 401);
        // The contract is readable without one.
        QCOMPARE(none.request("GET", "/v1/openapi.json").status, 200);
        // A token without the scope.
        ApiClient auditor(m_svc.tcpEndpoint(ServiceFixture::kAuditToken));
        const ApiResponse r2 = auditor.request("POST", "/v1/sessions", QJsonDocument(inlinePolicy()).toJson().toStdString());
        QCOMPARE(r2.status, 403);
        QCOMPARE(r2.problemType(), std::string("forbidden"));
        // Both refusals are in the audit log, with who asked. The service
        // records them without waiting for the commit, so they may show a
        // moment after the answers.
        ApiResponse log;
        auto logged = [&] {
            log = m_svc.call("GET", "/v1/audit/events?type=api&session=openshelld&limit=10000");
            return log.status == 200 && log.body.find("token auditor (uid 65534)") != std::string::npos
                   && log.body.find("bearer token is not valid") != std::string::npos;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(logged(), log.body.c_str(), 10000);
    }

    void malformedRequestsNeverStopTheService()
    {
        const QList<QByteArray> corpus = {
            "garbage\r\n\r\n",
            "GET /v1/info HTTP/9.9\r\n\r\n",
            "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /v1/info?limit=%G0 HTTP/1.1\r\nHost: x\r\n\r\n",
            QByteArray("GET /v1/\0info HTTP/1.1\r\nHost: x\r\n\r\n", 37),
            "GET " + QByteArray(70000, 'a') + " HTTP/1.1\r\n\r\n",
            "POST /v1/policies/eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":",
            "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n",
            "POST /v1/policies/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
            "{\"policy_yaml\":\"" + QByteArray("\xff\xfe\xfd", 3) + "\"}                  ",
            "POST /v1/policies/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
                + QByteArray(2000, '[') + QByteArray(2000, ']'),
        };
        for (const QByteArray &bytes : corpus) {
            const QByteArray got = raw(m_svc.socket, bytes, 2500);
            QVERIFY2(got.isEmpty() || got.startsWith("HTTP/1.1 4"), got.left(300).constData());
            QCOMPARE(m_svc.call("GET", "/v1/info").status, 200);
        }
        // A client that trickles its request is dropped; the others are served meanwhile.
        QLocalSocket slow;
        slow.connectToServer(m_svc.socket);
        QVERIFY(slow.waitForConnected(2000));
        QElapsedTimer t;
        t.start();
        const QByteArray request = "GET /v1/info HTTP/1.1\r\nHost: x\r\n";
        int i = 0;
        while (slow.state() == QLocalSocket::ConnectedState && t.elapsed() < 8000) {
            slow.write(request.mid(i++ % request.size(), 1));
            slow.flush();
            QCOMPARE(m_svc.call("GET", "/v1/info", {}, 2000).status, 200);
            slow.waitForDisconnected(200);
        }
        QVERIFY2(slow.state() != QLocalSocket::ConnectedState, "the slow client was not dropped");
        QVERIFY(t.elapsed() >= 1500);
    }

    void rateLimitIsPerClient()
    {
        std::atomic<int> limited{0};
        std::string retryAfter;
        std::mutex lock;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                ApiClient flood(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
                for (int i = 0; i < 200; ++i) {
                    const ApiResponse r = flood.request("GET", "/v1/info");
                    if (r.status == 429) {
                        ++limited;
                        std::lock_guard g(lock);
                        retryAfter = r.headers.count("retry-after") ? r.headers.at("retry-after") : std::string();
                    }
                }
            });
        for (auto &t : threads)
            t.join();
        QVERIFY(limited > 0);
        QVERIFY(!retryAfter.empty());
        // Another client is not affected.
        QCOMPARE(m_svc.call("GET", "/v1/info").status, 200);
    }

    void validateAndEval()
    {
        QJsonObject good = inlinePolicy(QStringLiteral("policies:\n  - name: no-rm\n    trigger: tool_call\n"
                                                       "    condition: tool.name == 'rm'\n    action: block\n"));
        const QJsonObject v = json(m_svc.call("POST", "/v1/policies/validate", good));
        QCOMPARE(v.value(QStringLiteral("valid")).toBool(), true);
        const QJsonObject bad = json(m_svc.call("POST", "/v1/policies/validate",
                                               {{QStringLiteral("policy_yaml"), QStringLiteral("version: 1\nname: x\nbogus: 1\n")}}));
        QCOMPARE(bad.value(QStringLiteral("valid")).toBool(), false);
        const QJsonObject d0 = bad.value(QStringLiteral("diagnostics")).toArray().first().toObject();
        QCOMPARE(d0.value(QStringLiteral("line")).toInt(), 3);
        good.insert(QStringLiteral("requests"),
                    QJsonArray{QJsonObject{{QStringLiteral("trigger"), QStringLiteral("tool_call")},
                                           {QStringLiteral("tool"), QJsonObject{{QStringLiteral("name"), QStringLiteral("rm")}}}},
                               QJsonObject{{QStringLiteral("trigger"), QStringLiteral("tool_call")},
                                           {QStringLiteral("tool"), QJsonObject{{QStringLiteral("name"), QStringLiteral("ls")}}}}});
        const ApiResponse e = m_svc.call("POST", "/v1/policies/eval", good);
        QVERIFY2(e.status == 200, e.body.c_str());
        const QJsonArray decisions = json(e).value(QStringLiteral("decisions")).toArray();
        QCOMPARE(decisions.size(), 2);
        QCOMPARE(decisions[0].toObject().value(QStringLiteral("decision")).toString(), QStringLiteral("block"));
        // The default trace names the run of policies the index skipped for 'ls'; full lists them; none is empty.
        const QJsonArray decisive = decisions[1].toObject().value(QStringLiteral("trace")).toArray();
        QCOMPARE(decisive.last().toObject().value(QStringLiteral("skipped")).toInt(), 1);
        QCOMPARE(decisive.last().toObject().value(QStringLiteral("because")).toString(), QStringLiteral("tool.name"));
        good.insert(QStringLiteral("trace"), QStringLiteral("full"));
        const QJsonArray full = json(m_svc.call("POST", "/v1/policies/eval", good))
                                    .value(QStringLiteral("decisions")).toArray()[1].toObject()
                                    .value(QStringLiteral("trace")).toArray();
        QCOMPARE(full.last().toObject().value(QStringLiteral("skipped_by_index")).toString(), QStringLiteral("tool.name"));
        good.insert(QStringLiteral("trace"), QStringLiteral("none"));
        QVERIFY(json(m_svc.call("POST", "/v1/policies/eval", good))
                    .value(QStringLiteral("decisions")).toArray()[1].toObject()
                    .value(QStringLiteral("trace")).toArray().isEmpty());
        good.insert(QStringLiteral("trace"), QStringLiteral("verbose"));
        const ApiResponse badTrace = m_svc.call("POST", "/v1/policies/eval", good);
        QCOMPARE(badTrace.status, 400);
        QCOMPARE(json(badTrace).value(QStringLiteral("field")).toString(), QStringLiteral("trace"));
    }

    // exec runs in the session, decided like a tool call; the event stream
    // replays and follows; DELETE ends the session as interrupted.
    void execEventsAndEnd()
    {
        QJsonObject body = inlinePolicy();
        body.insert(QStringLiteral("command"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("50")});
        const QString id = createSession(body);
        QVERIFY(!id.isEmpty());
        const ApiResponse ex = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/exec",
                                          {{QStringLiteral("argv"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                                                                               QStringLiteral("cat; echo out; echo err >&2; exit 3")}},
                                           {QStringLiteral("stdin"), QStringLiteral("in-")}});
        QVERIFY2(ex.status == 200, ex.body.c_str());
        const QJsonObject r = json(ex);
        QCOMPARE(r.value(QStringLiteral("exit_code")).toInt(), 3);
        QCOMPARE(r.value(QStringLiteral("stdout")).toString(), QStringLiteral("in-out\n"));
        QCOMPARE(r.value(QStringLiteral("stderr")).toString(), QStringLiteral("err\n"));
        QCOMPARE(r.value(QStringLiteral("decision")).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("allow"));

        // The stream: recorded events first (the exec among them), then live ones.
        ApiClient streamer(m_svc.unixEndpoint());
        std::vector<std::pair<std::string, QJsonObject>> seen;
        std::thread ender([this, id] {
            QThread::msleep(1500);
            m_svc.call("DELETE", "/v1/sessions/" + id.toStdString());
        });
        std::string error;
        QVERIFY2(streamer.stream("/v1/sessions/" + id.toStdString() + "/events",
                                 [&](const std::string &event, const std::string &data, const std::string &) {
                                     seen.emplace_back(event, QJsonDocument::fromJson(QByteArray::fromStdString(data)).object());
                                     return true;
                                 },
                                 &error),
                 error.c_str());
        ender.join();
        QVERIFY(!seen.empty());
        QCOMPARE(seen.back().first, std::string("end"));
        QCOMPARE(seen.back().second.value(QStringLiteral("exit_reason")).toString(), QStringLiteral("interrupted"));
        bool execSeen = false;
        qint64 lastSeq = 0;
        for (const auto &[event, o] : seen)
            if (event == "audit") {
                const qint64 seq = o.value(QStringLiteral("seq")).toInteger();
                QVERIFY2(seq > lastSeq, "events out of order or repeated");
                lastSeq = seq;
                execSeen = execSeen || (o.value(QStringLiteral("type")).toString() == QLatin1StringView("tool_call")
                                        && o.value(QStringLiteral("tool")).toString() == QLatin1StringView("exec"));
            }
        QVERIFY(execSeen);
        // Ended: a second DELETE conflicts, exec too.
        QCOMPARE(m_svc.call("DELETE", "/v1/sessions/" + id.toStdString()).status, 409);
        QCOMPARE(m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/exec", {{QStringLiteral("argv"), QJsonArray{QStringLiteral("true")}}})
                     .status,
                 409);
        // after=N replays only what followed N.
        std::vector<qint64> later;
        QVERIFY(streamer.stream("/v1/sessions/" + id.toStdString() + "/events?after=" + std::to_string(lastSeq - 2),
                                [&](const std::string &event, const std::string &data, const std::string &) {
                                    if (event == "audit")
                                        later.push_back(QJsonDocument::fromJson(QByteArray::fromStdString(data))
                                                            .object()
                                                            .value(QStringLiteral("seq"))
                                                            .toInteger());
                                    return true;
                                },
                                &error));
        QCOMPARE(later, (std::vector<qint64>{lastSeq - 1, lastSeq}));

        // The session's chain is signed by the service's own key at its end.
        const QString key = QFileInfo(m_svc.store).absolutePath() + QStringLiteral("/audit-signing.key");
        QCOMPARE(statOf(key).st_mode & 0777, mode_t(0600));
        QString verified;
        QElapsedTimer t;
        t.start();
        do {
            QProcess v;
            v.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--store"),
                                                  m_svc.store, QStringLiteral("--session"), id, QStringLiteral("--key"),
                                                  key + QStringLiteral(".pub")});
            v.waitForFinished(30000);
            verified = QString::fromUtf8(v.readAllStandardOutput() + v.readAllStandardError());
            if (v.exitCode() == 0 && !verified.contains(QStringLiteral("unsigned")))
                break;
            QThread::msleep(200);
        } while (t.elapsed() < 10000);
        QVERIFY2(verified.contains(QRegularExpression(QStringLiteral("to seq \\d+\\s+intact"))), qPrintable(verified));
    }

    void execRefusedByPolicy()
    {
        QJsonObject body = inlinePolicy(QStringLiteral("policies:\n  - name: no-exec\n    trigger: tool_call\n"
                                                       "    condition: tool.name == 'exec'\n    action: block\n"
                                                       "    message: no commands from outside\n"));
        body.insert(QStringLiteral("command"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("30")});
        const QString id = createSession(body);
        QVERIFY(!id.isEmpty());
        const ApiResponse ex = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/exec",
                                          {{QStringLiteral("argv"), QJsonArray{QStringLiteral("true")}}});
        QCOMPARE(ex.status, 403);
        QCOMPARE(ex.problemType(), std::string("action-refused"));
        QCOMPARE(json(ex).value(QStringLiteral("decision")).toObject().value(QStringLiteral("policy")).toString(), QStringLiteral("no-exec"));
        QCOMPARE(m_svc.call("DELETE", "/v1/sessions/" + id.toStdString()).status, 202);
        waitEnded(id);
        // Replayed without the policy, the refused command would have run.
        QJsonObject whatIf = inlinePolicy();
        whatIf.insert(QStringLiteral("session"), id);
        const ApiResponse w = m_svc.call("POST", "/v1/policies/whatif", whatIf);
        QVERIFY2(w.status == 200, w.body.c_str());
        QVERIFY(json(w).value(QStringLiteral("changed")).toInt() >= 1);
        const QJsonObject first = json(w).value(QStringLiteral("actions")).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("before")).toString(), QStringLiteral("block"));
        QCOMPARE(first.value(QStringLiteral("after")).toString(), QStringLiteral("allow"));
        QCOMPARE(m_svc.call("POST", "/v1/policies/whatif",
                            {{QStringLiteral("session"), QStringLiteral("nosuchsession")}, {QStringLiteral("policy_yaml"), whatIf.value(QStringLiteral("policy_yaml"))}})
                     .status,
                 404);
    }

    // A redact policy on exec redacts the command line that runs: the
    // sandbox never sees the address, and neither does the audit log.
    void execRunsTheRedactedCommand()
    {
        QJsonObject body = inlinePolicy(QStringLiteral("policies:\n  - name: no-mail-in-commands\n"
                                                       "    trigger: tool_call\n    condition: tool.name == 'exec' and contains_pii(tool.args)\n"
                                                       "    action: redact\n    pii_types: [email]\n"));
        body.insert(QStringLiteral("command"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("30")});
        const QString id = createSession(body);
        QVERIFY(!id.isEmpty());
        const ApiResponse ex = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/exec",
                                          {{QStringLiteral("argv"), QJsonArray{QStringLiteral("echo"), QStringLiteral("to bob@example.com")}}});
        QVERIFY2(ex.status == 200, ex.body.c_str());
        const QJsonObject r = json(ex);
        QCOMPARE(r.value(QStringLiteral("decision")).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("redact"));
        const QString out = r.value(QStringLiteral("stdout")).toString();
        QVERIFY2(!out.contains(QStringLiteral("bob@example.com")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("[REDACTED:email]")), qPrintable(out));
        QCOMPARE(m_svc.call("DELETE", "/v1/sessions/" + id.toStdString()).status, 202);
        waitEnded(id);
    }

    // A member of the socket's group, not root, runs a gVisor session with
    // osctl through the service; it is recorded as that uid's. Without the
    // group the socket refuses it.
    void unprivilegedClientRunsASession()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/osh-client-XXXXXX"));
        ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
        const QString policy = writeFile(dir.filePath(QStringLiteral("p.policy.yaml")),
                                         "version: 1\nname: unpriv\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 60\n");
        const Proc r = osctlAs(65534, 65534, {m_svc.clients}, m_svc.socket,
                               {QStringLiteral("run"), QStringLiteral("--policy"), policy, QStringLiteral("--"), QStringLiteral("sh"),
                                QStringLiteral("-c"), QStringLiteral("echo hello from $(id -u)")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("hello from 65534")), qPrintable(r.out));
        QVERIFY(r.err.contains(QStringLiteral("using openshelld at unix:")));
        const QString id = QRegularExpression(QStringLiteral("session (\\S+) started")).match(r.err).captured(1);
        QVERIFY(!id.isEmpty());
        const QJsonArray sessions = json(m_svc.call("GET", "/v1/audit/sessions")).value(QStringLiteral("sessions")).toArray();
        bool found = false;
        for (const auto &s : sessions)
            if (s.toObject().value(QStringLiteral("id")).toString() == id) {
                found = true;
                QCOMPARE(s.toObject().value(QStringLiteral("owner_uid")).toInt(), 65534);
            }
        QVERIFY(found);

        const Proc refused = osctlAs(65534, 65534, {}, m_svc.socket,
                                     {QStringLiteral("run"), QStringLiteral("--policy"), policy, QStringLiteral("--"), QStringLiteral("true")});
        QCOMPARE(refused.code, 125);
        QVERIFY2(refused.err.contains(QStringLiteral("Permission denied"), Qt::CaseInsensitive), qPrintable(refused.err));
        QVERIFY(refused.err.contains(QStringLiteral("group")));
    }

    // The workspace keeps its owner and modes; what the agent makes there is the owner's.
    void workspaceKeepsItsOwner()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/osh-owner-XXXXXX"));
        ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
        const QString ws = dir.filePath(QStringLiteral("ws"));
        QDir().mkpath(ws + QStringLiteral("/private"));
        writeFile(ws + QStringLiteral("/notes.txt"), "mine\n", 0600);
        writeFile(ws + QStringLiteral("/private/key"), "k\n", 0640);
        ::chmod(QFile::encodeName(ws + QStringLiteral("/private")).constData(), 0700);
        for (const QString &p : QStringList{ws, ws + QStringLiteral("/notes.txt"), ws + QStringLiteral("/private"), ws + QStringLiteral("/private/key")})
            QVERIFY(::lchown(QFile::encodeName(p).constData(), 1234, 1234) == 0);
        // The policy folder is the user's too, and private.
        const QString pdir = dir.filePath(QStringLiteral("policy"));
        QDir().mkpath(pdir);
        const QString policy = writeFile(pdir + QStringLiteral("/p.policy.yaml"),
                                         "version: 1\nname: owner\nsandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 60\n");
        ::chmod(QFile::encodeName(pdir).constData(), 0700);
        QVERIFY(::chown(QFile::encodeName(pdir).constData(), 1234, 1234) == 0);
        QVERIFY(::chown(QFile::encodeName(policy).constData(), 1234, 1234) == 0);
        const auto before = statOf(ws + QStringLiteral("/notes.txt"));
        const auto wsBefore = statOf(ws);

        const Proc r = osctlAs(1234, 1234, {m_svc.clients}, m_svc.socket,
                               {QStringLiteral("run"), QStringLiteral("--policy"), policy, QStringLiteral("--workspace"), ws,
                                QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                                QStringLiteral("echo more >> notes.txt && echo new > new.txt && mkdir made && echo x > made/f && "
                                               "cat /opt/openshell/policy/p.policy.yaml >/dev/null")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const QString &p : QStringList{ws, ws + QStringLiteral("/notes.txt"), ws + QStringLiteral("/private"),
                                            ws + QStringLiteral("/private/key"), ws + QStringLiteral("/new.txt"),
                                            ws + QStringLiteral("/made"), ws + QStringLiteral("/made/f")}) {
            const auto st = statOf(p);
            QVERIFY2(st.st_uid == 1234, qPrintable(p + QStringLiteral(" belongs to uid ") + QString::number(st.st_uid)));
        }
        QCOMPARE(statOf(ws + QStringLiteral("/notes.txt")).st_mode, before.st_mode);
        QCOMPARE(statOf(ws + QStringLiteral("/private")).st_mode & 07777, 0700u);
        QCOMPARE(statOf(ws).st_mode, wsBefore.st_mode);
    }

    // No client can mount or read through the service what it could not itself.
    void noEscalationThroughTheService()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/osh-esc-XXXXXX"));
        ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
        const QString secret = dir.filePath(QStringLiteral("secret"));
        QDir().mkpath(secret);
        ::chmod(QFile::encodeName(secret).constData(), 0700);
        writeFile(secret + QStringLiteral("/token"), "s3cret\n", 0600);
        const QString pdir = dir.filePath(QStringLiteral("p"));
        QDir().mkpath(pdir);
        ::chmod(QFile::encodeName(pdir).constData(), 0755);
        const QString mounting = writeFile(pdir + QStringLiteral("/mount.policy.yaml"),
                                           QStringLiteral("version: 1\nname: esc\nsandbox:\n  isolation: gvisor\n"
                                                          "filesystem:\n  workspace: /agent/workspace\n  rules:\n"
                                                          "    - {path: /data, permissions: read, source: %1}\n")
                                               .arg(secret)
                                               .toUtf8());
        const QString plain = writeFile(pdir + QStringLiteral("/plain.policy.yaml"), "version: 1\nname: plain\nsandbox:\n  isolation: gvisor\n");
        const int before = json(m_svc.call("GET", "/v1/audit/sessions")).value(QStringLiteral("sessions")).toArray().size();
        struct Case
        {
            QStringList args;
            QString says;
        };
        const QList<Case> cases = {
            {{QStringLiteral("--policy"), plain, QStringLiteral("--workspace"), QStringLiteral("/root")}, QStringLiteral("/root")},
            {{QStringLiteral("--policy"), plain, QStringLiteral("--workspace"), secret}, QStringLiteral("Permission denied")},
            {{QStringLiteral("--policy"), mounting}, QStringLiteral("mounts ") + secret},
            {{QStringLiteral("--policy"), QStringLiteral("/etc/shadow")}, QStringLiteral("/etc/shadow")},
            {{QStringLiteral("--policy"), secret + QStringLiteral("/token")}, QStringLiteral("Permission denied")},
        };
        for (const Case &c : cases) {
            const Proc r = osctlAs(65534, 65534, {m_svc.clients}, m_svc.socket,
                                   QStringList{QStringLiteral("run")} + c.args + QStringList{QStringLiteral("--"), QStringLiteral("true")});
            QVERIFY2(r.code == 125, qPrintable(c.args.join(QLatin1Char(' ')) + QStringLiteral(": ") + r.err));
            QVERIFY2(r.err.contains(c.says), qPrintable(r.err));
        }
        // Nothing was started for any of them.
        QCOMPARE(json(m_svc.call("GET", "/v1/audit/sessions")).value(QStringLiteral("sessions")).toArray().size(), before);
    }

    // Escalations wait for an approver: a member of the socket's group who is
    // not an approver is refused; an approver releases the held command.
    void approvalsNeedTheApproversGroup()
    {
        QJsonObject body = inlinePolicy(QStringLiteral("policies:\n  - name: hold-exec\n    trigger: tool_call\n"
                                                       "    condition: tool.name == 'exec'\n    action: escalate\n"
                                                       "    message: commands from outside need approval\n"));
        body.insert(QStringLiteral("command"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("50")});
        const QString id = createSession(body);
        QVERIFY(!id.isEmpty());
        ApiResponse execResult;
        std::thread exec([&] {
            ApiClient c(m_svc.unixEndpoint());
            execResult = c.request("POST", "/v1/sessions/" + id.toStdString() + "/exec",
                                   R"({"argv":["sh","-c","echo released"]})", 60000);
        });
        qint64 approval = 0;
        for (int i = 0; i < 100 && approval == 0; ++i) {
            for (const auto &a : json(m_svc.call("GET", "/v1/approvals")).value(QStringLiteral("approvals")).toArray())
                if (a.toObject().value(QStringLiteral("session_id")).toString() == id)
                    approval = a.toObject().value(QStringLiteral("id")).toInteger();
            QThread::msleep(100);
        }
        QVERIFY(approval > 0);
        const Proc member = osctlAs(65534, 65534, {m_svc.clients}, m_svc.socket,
                                    {QStringLiteral("approvals"), QStringLiteral("approve"), QString::number(approval)});
        QCOMPARE(member.code, 1);
        QVERIFY2(member.err.contains(QStringLiteral("approvals")), qPrintable(member.err));
        const Proc approver = osctlAs(65534, 65534, {m_svc.clients, m_svc.approvers}, m_svc.socket,
                                      {QStringLiteral("approvals"), QStringLiteral("approve"), QString::number(approval),
                                       QStringLiteral("--note"), QStringLiteral("looks fine")});
        QVERIFY2(approver.code == 0, qPrintable(approver.err));
        exec.join();
        QVERIFY2(execResult.status == 200, execResult.body.c_str());
        QCOMPARE(json(execResult).value(QStringLiteral("stdout")).toString(), QStringLiteral("released\n"));
        const QJsonArray all = json(m_svc.call("GET", "/v1/approvals?status=all")).value(QStringLiteral("approvals")).toArray();
        for (const auto &a : all)
            if (a.toObject().value(QStringLiteral("id")).toInteger() == approval) {
                QCOMPARE(a.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
                QCOMPARE(a.toObject().value(QStringLiteral("resolver_uid")).toInt(), 65534);
            }
        m_svc.call("DELETE", "/v1/sessions/" + id.toStdString());
        waitEnded(id);
    }

    // Every answer the tests above received has the shape the OpenAPI
    // document gives for its route and status.
    void responsesMatchTheDocument()
    {
        QByteArray report;
        QVERIFY2(m_svc.responsesMatchDocument(&report), report.constData());
    }

    // With a certificate, TCP speaks TLS: the client checks the service's
    // certificate against the CA it was given; plain HTTP gets nothing.
    void tlsListener()
    {
        QTemporaryDir dir;
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                       QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                       QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1")});
        QVERIFY2(openssl.waitForFinished(60000) && openssl.exitCode() == 0, openssl.readAllStandardError().constData());
        ServiceFixture svc;
        QVERIFY2(svc.start({QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key}), svc.log.constData());
        QVERIFY(svc.log.contains("TLS, bearer tokens"));
        osh::service::Endpoint e = svc.tcpEndpoint(ServiceFixture::kAuditToken);
        e.tls = true;
        e.caFile = cert.toStdString();
        ApiClient c(e);
        const ApiResponse r = c.request("GET", "/v1/info");
        QVERIFY2(r.status == 200, r.error.c_str());
        QCOMPARE(json(r).value(QStringLiteral("peer")).toObject().value(QStringLiteral("token")).toString(), QStringLiteral("auditor"));
        // Another CA: the client refuses the service.
        osh::service::Endpoint untrusted = e;
        untrusted.caFile = "/etc/ssl/certs/ca-certificates.crt";
        const ApiResponse refused = ApiClient(untrusted).request("GET", "/v1/info");
        QCOMPARE(refused.status, 0);
        QVERIFY2(refused.error.find("TLS") != std::string::npos, refused.error.c_str());
        // Plain HTTP on the TLS port: no HTTP answer.
        ApiClient plain(svc.tcpEndpoint(ServiceFixture::kAuditToken));
        QCOMPARE(plain.request("GET", "/v1/info", {}, 5000).status, 0);
        QCOMPARE(svc.stop(), 0);
    }

    // SIGTERM: running sessions are ended and recorded before the service exits.
    void sigtermEndsSessions()
    {
        ServiceFixture svc;
        const std::string id = startSleeping(svc);
        QVERIFY2(!id.empty(), svc.log.constData());
        QCOMPARE(svc.stop(), 0);
        std::string error;
        auto store = osh::AuditStore::open(svc.store.toStdString(), error);
        QVERIFY2(store, error.c_str());
        bool found = false;
        for (const auto &s : store->sessions())
            if (s.session.id == id) {
                found = true;
                QCOMPARE(s.session.exitReason, std::string("interrupted"));
                QVERIFY(s.session.endedAt.has_value());
            }
        QVERIFY(found);
    }

    // SIGKILL: every audit event a client was sent is in the store.
    void sigkillLosesNothingAcknowledged()
    {
        ServiceFixture svc;
        const std::string id = startSleeping(svc);
        QVERIFY2(!id.empty(), svc.log.constData());
        const std::vector<qint64> acknowledged = osh::test::streamUntilKilled(svc, id);
        std::string error;
        QVERIFY(acknowledged.size() > 3);
        auto store = osh::AuditStore::open(svc.store.toStdString(), error);
        QVERIFY2(store, error.c_str());
        osh::AuditQuery q;
        q.sessionId = id;
        QSet<qint64> stored;
        for (const auto &e : store->query(q))
            stored.insert(e.seq);
        for (qint64 seq : acknowledged)
            QVERIFY2(stored.contains(seq), qPrintable(QStringLiteral("event %1 was streamed but is not in the store").arg(seq)));
        // Leftovers of the killed service's sandbox.
        QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-f"), QString::fromStdString(id)});
    }
};

QTEST_GUILESS_MAIN(TestOpenshelld)
#include "tst_openshelld.moc"
