// openshelld for clients that are the agent themselves (the Python SDK):
// sessions without an agent process, the gateway relayed over the API
// (guarded functions decided, held, throttled, their output redacted), and
// agents' state, encrypted and kept per owner and token.

#include "servicefixture.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocalServer>

#include <future>
#include <thread>

#include <unistd.h>

using osh::service::ApiClient;
using osh::service::ApiResponse;
using osh::test::json;
using osh::test::ServiceFixture;

namespace {

constexpr const char *kBotToken = "bot-secret-0123456789abcdef0123456789abcd";
constexpr const char *kOtherBotToken = "otherbot-secret-0123456789abcdef01234567";
constexpr const char *kApproverToken = "approver-secret-0123456789abcdef01234567";

QJsonObject externalSession(const QString &policies = {}, int seconds = 120)
{
    const QString yaml = QStringLiteral("version: 1\nname: sdk-test\nagent:\n  name: support-bot\n"
                                        "sandbox:\n  isolation: gvisor\n  max_execution_time_seconds: %1\n"
                                        "tools:\n  - {name: lookup, guard: true}\n  - {name: slow, guard: true}\n"
                                        "  - {name: exec, command: [\"true\"]}\n"
                                        "policies:\n"
                                        "  - {name: pii-redact, trigger: data_output, condition: contains_pii(output), action: redact}\n"
                                        "  - {name: no-bad, trigger: tool_call, condition: \"tool.args.id == 'bad'\", action: block, "
                                        "message: bad ids are refused}\n"
                                        "  - {name: hold, trigger: tool_call, condition: \"tool.args.id == 'held'\", action: escalate, "
                                        "message: ask a human}\n"
                                        "  - {name: pace, trigger: tool_call, condition: \"tool.name == 'slow'\", action: throttle, "
                                        "delay_seconds: 1}\n%2")
                             .arg(seconds)
                             .arg(policies);
    return {{QStringLiteral("policy_yaml"), yaml}, {QStringLiteral("policy_name"), QStringLiteral("sdk.policy.yaml")},
            {QStringLiteral("external_agent"), true}};
}

} // namespace

class TestAgentApi : public QObject
{
    Q_OBJECT

    ServiceFixture m_svc;

    QString start(const QJsonObject &body, ApiClient *as = nullptr)
    {
        const ApiResponse r = as ? as->request("POST", "/v1/sessions", QJsonDocument(body).toJson().toStdString())
                                 : m_svc.call("POST", "/v1/sessions", body);
        if (r.status != 201)
            qWarning("%d %s", r.status, r.body.c_str());
        return r.status == 201 ? json(r).value(QStringLiteral("id")).toString() : QString();
    }
    // One gateway call; the reply ({"result"} or {"error"}).
    QJsonObject gateway(const QString &id, const QString &method, const QJsonObject &params = {}, ApiClient *as = nullptr)
    {
        const QJsonObject body{{QStringLiteral("method"), method}, {QStringLiteral("params"), params}};
        const std::string target = "/v1/sessions/" + id.toStdString() + "/gateway";
        const ApiResponse r = as ? as->request("POST", target, QJsonDocument(body).toJson().toStdString())
                                 : m_svc.call("POST", target, body);
        return r.status == 200 ? json(r) : QJsonObject{{QStringLiteral("status"), r.status}};
    }
    static QJsonObject result(const QJsonObject &reply) { return reply.value(QStringLiteral("result")).toObject(); }
    bool end(const QString &id)
    {
        if (m_svc.call("DELETE", "/v1/sessions/" + id.toStdString()).status != 202)
            return false;
        for (int i = 0; i < 200; ++i) {
            if (json(m_svc.call("GET", "/v1/sessions/" + id.toStdString())).value(QStringLiteral("state")).toString()
                == QLatin1StringView("ended"))
                return true;
            QThread::msleep(50);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("openshelld needs root (it creates sandboxes)");
        m_svc.extraTokens = QByteArray("bot 0 sessions,agent:support-bot ") + kBotToken + "\n" + "otherbot 0 sessions,agent:other-bot "
            + kOtherBotToken + "\n" + "approver 65534 approvals " + kApproverToken + "\n";
        QVERIFY2(m_svc.start(), m_svc.log.constData());
    }

    void cleanupTestCase()
    {
        if (::geteuid() == 0)
            QCOMPARE(m_svc.stop(), 0);
    }

    void externalAgentSessions()
    {
        QJsonObject withCommand = externalSession();
        withCommand.insert(QStringLiteral("command"), QJsonArray{QStringLiteral("true")});
        ApiResponse r = m_svc.call("POST", "/v1/sessions", withCommand);
        QCOMPARE(r.status, 400);
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), QStringLiteral("command"));
        QJsonObject interactive = externalSession();
        interactive.insert(QStringLiteral("interactive"), true);
        r = m_svc.call("POST", "/v1/sessions", interactive);
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), QStringLiteral("interactive"));

        const QString id = start(externalSession());
        QVERIFY(!id.isEmpty());
        const QJsonObject s = json(m_svc.call("GET", "/v1/sessions/" + id.toStdString()));
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(s.value(QStringLiteral("command")).toArray().size(), 0);
        // Commands still run, each in a fresh sandbox of the session.
        r = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/exec", {{QStringLiteral("argv"), QJsonArray{QStringLiteral("true")}}});
        QVERIFY2(r.status == 200, r.body.c_str());
        QVERIFY(end(id));
        const QJsonObject ended = json(m_svc.call("GET", "/v1/sessions/" + id.toStdString()));
        QCOMPARE(ended.value(QStringLiteral("exit_reason")).toString(), QStringLiteral("interrupted"));
        // Ended: the gateway is gone with it.
        r = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/gateway", {{QStringLiteral("method"), QStringLiteral("tools/list")}});
        QCOMPARE(r.status, 409);
    }

    void timeLimitEndsAnExternalSession()
    {
        const QString id = start(externalSession({}, 2));
        QVERIFY(!id.isEmpty());
        QElapsedTimer t;
        t.start();
        QString state;
        while (t.elapsed() < 20000 && state != QLatin1StringView("ended")) {
            QThread::msleep(200);
            state = json(m_svc.call("GET", "/v1/sessions/" + id.toStdString())).value(QStringLiteral("state")).toString();
        }
        QCOMPARE(state, QStringLiteral("ended"));
        QCOMPARE(json(m_svc.call("GET", "/v1/sessions/" + id.toStdString())).value(QStringLiteral("exit_reason")).toString(),
                 QStringLiteral("timeout"));
    }

    void guardedCallsAreDecided()
    {
        const QString id = start(externalSession());
        QVERIFY(!id.isEmpty());
        QJsonObject d = result(gateway(id, QStringLiteral("openshell/decide"),
                                       {{QStringLiteral("tool"), QStringLiteral("lookup")},
                                        {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("id"), QStringLiteral("42")}}}}));
        QVERIFY(d.value(QStringLiteral("allowed")).toBool());
        QCOMPARE(d.value(QStringLiteral("arguments")).toObject().value(QStringLiteral("id")).toString(), QStringLiteral("42"));
        d = result(gateway(id, QStringLiteral("openshell/decide"),
                           {{QStringLiteral("tool"), QStringLiteral("lookup")},
                            {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("id"), QStringLiteral("bad")}}}}));
        QVERIFY(!d.value(QStringLiteral("allowed")).toBool());
        QCOMPARE(d.value(QStringLiteral("policy")).toString(), QStringLiteral("no-bad"));
        QVERIFY(d.value(QStringLiteral("arguments")).isNull());
        // Output passes data_output: redacted here.
        const QJsonObject o = result(gateway(id, QStringLiteral("openshell/output"),
                                             {{QStringLiteral("tool"), QStringLiteral("lookup")},
                                              {QStringLiteral("text"), QStringLiteral("customer ssn 123-45-6789")}}));
        QVERIFY(o.value(QStringLiteral("delivered")).toBool());
        QCOMPARE(o.value(QStringLiteral("decision")).toString(), QStringLiteral("redact"));
        QVERIFY(!o.value(QStringLiteral("text")).toString().contains(QStringLiteral("123-45-6789")));
        // Throttled: answered after the delay.
        QElapsedTimer t;
        t.start();
        d = result(gateway(id, QStringLiteral("openshell/decide"), {{QStringLiteral("tool"), QStringLiteral("slow")}}));
        QVERIFY(d.value(QStringLiteral("allowed")).toBool());
        QVERIFY2(t.elapsed() >= 950, qPrintable(QString::number(t.elapsed())));
        // Functions the runtime runs itself are not decided here, and a
        // guarded one is not run by tools/call.
        const QJsonObject e = gateway(id, QStringLiteral("openshell/decide"), {{QStringLiteral("tool"), QStringLiteral("exec")}});
        QCOMPARE(e.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), -32602);
        const QJsonObject call = result(gateway(id, QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("lookup")}}));
        QVERIFY(call.value(QStringLiteral("isError")).toBool());
        const QJsonArray tools = result(gateway(id, QStringLiteral("tools/list"))).value(QStringLiteral("tools")).toArray();
        QCOMPARE(tools.size(), 1); // exec; guarded functions are not offered to agents in sandboxes
        // Only the agent's own methods are relayed.
        ApiResponse r = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/gateway", {{QStringLiteral("method"), QStringLiteral("initialize")}});
        QCOMPARE(r.status, 400);
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), QStringLiteral("method"));
        r = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/gateway",
                       {{QStringLiteral("method"), QStringLiteral("tools/list")}, {QStringLiteral("params"), QJsonArray()}});
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), QStringLiteral("params"));
        // Another user's session does not exist for them.
        ApiClient nobody(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
        QCOMPARE(gateway(id, QStringLiteral("tools/list"), {}, &nobody).value(QStringLiteral("status")).toInt(), 404);
        QVERIFY(end(id));
    }

    // The session's socket folder belongs to the agent's user, who may put
    // anything there: the service's relay must never follow that path (as
    // root, to whatever socket a link names).
    void relayNeverFollowsTheSocketPath()
    {
        const QStringList before = QDir(QStringLiteral("/tmp")).entryList({QStringLiteral("osh-*")}, QDir::Dirs);
        ApiClient nobody(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
        const QString id = start(externalSession(), &nobody);
        QVERIFY(!id.isEmpty());
        QString sockDir;
        for (const QString &d : QDir(QStringLiteral("/tmp")).entryList({QStringLiteral("osh-*")}, QDir::Dirs))
            if (!before.contains(d) && QFileInfo::exists(QStringLiteral("/tmp/%1/gateway.sock").arg(d)))
                sockDir = QStringLiteral("/tmp/") + d;
        QVERIFY(!sockDir.isEmpty());
        QCOMPARE(QFileInfo(sockDir).ownerId(), 65534u); // the user's own: they could do this themselves

        QLocalServer decoy;
        const QString decoyPath = m_svc.dir.filePath(QStringLiteral("decoy.sock"));
        QVERIFY(decoy.listen(decoyPath));
        const QString gatewaySock = sockDir + QStringLiteral("/gateway.sock");
        QVERIFY(QFile::remove(gatewaySock));
        QVERIFY(QFile::link(decoyPath, gatewaySock));

        const ApiResponse r = nobody.request("POST", "/v1/sessions/" + id.toStdString() + "/gateway",
                                             R"({"method": "tools/list"})", 10000);
        QVERIFY2(r.status == 200, r.body.c_str());
        QVERIFY(json(r).value(QStringLiteral("result")).toObject().contains(QStringLiteral("tools")));
        QTest::qWait(200);
        QVERIFY(!decoy.hasPendingConnections());
        QCOMPARE(nobody.request("DELETE", "/v1/sessions/" + id.toStdString()).status, 202);
    }

    void heldCallWaitsForItsApproval()
    {
        const QString id = start(externalSession());
        QVERIFY(!id.isEmpty());
        auto held = std::async(std::launch::async, [this, id] {
            return result(gateway(id, QStringLiteral("openshell/decide"),
                                  {{QStringLiteral("tool"), QStringLiteral("lookup")},
                                   {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("id"), QStringLiteral("held")}}}}));
        });
        qint64 approval = 0;
        for (int i = 0; i < 100 && approval == 0; ++i) {
            QThread::msleep(100);
            for (const auto &a : json(m_svc.call("GET", "/v1/approvals")).value(QStringLiteral("approvals")).toArray())
                if (a.toObject().value(QStringLiteral("session_id")).toString() == id)
                    approval = a.toObject().value(QStringLiteral("id")).toInteger();
        }
        QVERIFY(approval > 0);
        QCOMPARE(held.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout); // still held
        QCOMPARE(m_svc.call("POST", "/v1/approvals/" + std::to_string(approval) + "/approve", {}).status, 200);
        const QJsonObject d = held.get();
        QVERIFY(d.value(QStringLiteral("allowed")).toBool());
        QCOMPARE(d.value(QStringLiteral("decision")).toString(), QStringLiteral("escalate"));
        QVERIFY(end(id));
    }

    // The approver sees whom the held call really addresses; the audit log,
    // the session's owner (who may not decide) and an auditor see it
    // redacted; once decided, or once the session ends, nobody does.
    void approverSeesTheRealParametersOthersDoNot()
    {
        const std::string real = "alice.approver-test@example.com";
        ApiClient owner(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
        ApiClient approver(m_svc.tcpEndpoint(kApproverToken));
        ApiClient auditor(m_svc.tcpEndpoint(ServiceFixture::kAuditToken));
        const QString id = start(externalSession(), &owner);
        QVERIFY(!id.isEmpty());
        const auto hold = [&](const QString &tag) {
            return std::async(std::launch::async, [this, id, tag, real] {
                ApiClient own(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
                return result(gateway(id, QStringLiteral("openshell/decide"),
                                      {{QStringLiteral("tool"), QStringLiteral("lookup")},
                                       {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("id"), QStringLiteral("held")},
                                                                                 {QStringLiteral("to"), QString::fromStdString(real)},
                                                                                 {QStringLiteral("tag"), tag}}}},
                                      &own));
            });
        };
        // The approval of the call tagged tag, once its parameters are held.
        const auto heldApproval = [&](const QString &tag) -> QJsonObject {
            for (int i = 0; i < 200; ++i) {
                const ApiResponse r = approver.request("GET", "/v1/approvals");
                for (const auto &a : json(r).value(QStringLiteral("approvals")).toArray()) {
                    const QJsonObject o = a.toObject();
                    if (o.value(QStringLiteral("session_id")).toString() == id
                        && o.value(QStringLiteral("parameters")).toObject().value(QStringLiteral("tag")).toString() == tag
                        && o.value(QStringLiteral("real_parameters_status")).toString() == QLatin1StringView("available"))
                        return o;
                }
                QThread::msleep(50);
            }
            return {};
        };
        auto first = hold(QStringLiteral("first"));
        const QJsonObject listed = heldApproval(QStringLiteral("first"));
        QVERIFY(!listed.isEmpty());
        const std::string target = "/v1/approvals/" + std::to_string(listed.value(QStringLiteral("id")).toInteger());
        QCOMPARE(listed.value(QStringLiteral("real_parameters")).toObject().value(QStringLiteral("to")).toString(), QString::fromStdString(real));
        QCOMPARE(listed.value(QStringLiteral("parameters")).toObject().value(QStringLiteral("to")).toString(), QStringLiteral("[REDACTED:email]"));

        ApiResponse r = approver.request("GET", target);
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r).value(QStringLiteral("real_parameters")).toObject().value(QStringLiteral("to")).toString(), QString::fromStdString(real));
        // The owner may read it but not decide it: redacted only.
        r = owner.request("GET", target);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        QVERIFY(json(r).value(QStringLiteral("real_parameters")).isNull());
        QCOMPARE(json(r).value(QStringLiteral("real_parameters_status")).toString(), QStringLiteral("withheld"));
        r = owner.request("GET", "/v1/approvals");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        // An auditor (neither sessions nor approvals) is refused outright.
        r = auditor.request("GET", "/v1/approvals");
        QCOMPARE(r.status, 403);
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        r = auditor.request("GET", target);
        QCOMPARE(r.status, 403);
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        // The audit log keeps them redacted, as it always did.
        r = m_svc.call("GET", "/v1/audit/events?session=" + id.toStdString());
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.find("[REDACTED:email]") != std::string::npos, r.body.c_str());
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());

        // Decided: gone, in the answer to the verdict and after it.
        r = approver.request("POST", target + "/approve", "{}");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        QVERIFY(first.get().value(QStringLiteral("allowed")).toBool());
        r = approver.request("GET", target);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        QCOMPARE(json(r).value(QStringLiteral("real_parameters_status")).toString(), QStringLiteral("unavailable"));

        // Held when the session ends: gone with it.
        auto second = hold(QStringLiteral("second"));
        const QJsonObject again = heldApproval(QStringLiteral("second"));
        QVERIFY(!again.isEmpty());
        QVERIFY(end(id));
        QVERIFY(!second.get().value(QStringLiteral("allowed")).toBool());
        r = approver.request("GET", "/v1/approvals/" + std::to_string(again.value(QStringLiteral("id")).toInteger()));
        QCOMPARE(r.status, 200);
        QCOMPARE(json(r).value(QStringLiteral("status")).toString(), QStringLiteral("expired"));
        QVERIFY2(r.body.find(real) == std::string::npos, r.body.c_str());
        QCOMPARE(m_svc.call("GET", "/v1/approvals/999999").status, 404);
    }

    // What the approver is shown is what goes ahead once approved: after a
    // redact policy that failed closed (its condition cannot be evaluated),
    // the held call is released redacted, and the approver sees exactly
    // those arguments, not the agent's. A held response is shown as the
    // text the user gets.
    void approverSeesWhatIsReleased()
    {
        const QString yaml = QStringLiteral(
            "version: 1\nname: released-test\nagent:\n  name: support-bot\n"
            "sandbox:\n  isolation: gvisor\n  max_execution_time_seconds: 120\n"
            "tools:\n  - {name: lookup, guard: true}\n"
            "policies:\n"
            "  - {name: broken-redact, trigger: tool_call, condition: 'len(tool.args.missing) > 0', action: redact}\n"
            "  - {name: hold, trigger: tool_call, condition: \"tool.args.id == 'held'\", action: escalate}\n"
            "  - {name: hold-reply, trigger: agent_response, condition: \"'refund' in lower(response)\", action: escalate}\n");
        const QString id = start({{QStringLiteral("policy_yaml"), yaml}, {QStringLiteral("policy_name"), QStringLiteral("released.policy.yaml")},
                                  {QStringLiteral("external_agent"), true}});
        QVERIFY(!id.isEmpty());
        ApiClient approver(m_svc.tcpEndpoint(kApproverToken));
        // The pending approval of this session whose real parameters are held.
        const auto pending = [&]() -> QJsonObject {
            for (int i = 0; i < 200; ++i) {
                for (const auto &a : json(approver.request("GET", "/v1/approvals")).value(QStringLiteral("approvals")).toArray()) {
                    const QJsonObject o = a.toObject();
                    if (o.value(QStringLiteral("session_id")).toString() == id
                        && o.value(QStringLiteral("real_parameters_status")).toString() == QLatin1StringView("available"))
                        return o;
                }
                QThread::msleep(50);
            }
            return {};
        };
        const QString mail = QStringLiteral("dora.released-test@example.com");
        auto call = std::async(std::launch::async, [this, id, mail] {
            return result(gateway(id, QStringLiteral("openshell/decide"),
                                  {{QStringLiteral("tool"), QStringLiteral("lookup")},
                                   {QStringLiteral("arguments"), QJsonObject{{QStringLiteral("id"), QStringLiteral("held")},
                                                                             {QStringLiteral("to"), mail}}}}));
        });
        QJsonObject held = pending();
        QVERIFY(!held.isEmpty());
        const QJsonObject shown = held.value(QStringLiteral("real_parameters")).toObject();
        std::string target = "/v1/approvals/" + std::to_string(held.value(QStringLiteral("id")).toInteger());
        // Not their session (root's): someone else's approval is as good as absent.
        ApiClient nobody(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
        QCOMPARE(nobody.request("GET", target).status, 404);
        QCOMPARE(approver.request("POST", target + "/approve", "{}").status, 200);
        const QJsonObject decided = call.get();
        QVERIFY(decided.value(QStringLiteral("allowed")).toBool());
        const QJsonObject released = decided.value(QStringLiteral("arguments")).toObject();
        QVERIFY2(!released.value(QStringLiteral("to")).toString().contains(mail), qPrintable(released.value(QStringLiteral("to")).toString()));
        QCOMPARE(shown, released);
        QCOMPARE(held.value(QStringLiteral("parameters")).toObject(), released);

        const QString reply = QStringLiteral("Your refund of 20 EUR is on its way.");
        auto respond = std::async(std::launch::async, [this, id, reply] {
            return result(gateway(id, QStringLiteral("openshell/respond"), {{QStringLiteral("text"), reply}}));
        });
        held = pending();
        QVERIFY(!held.isEmpty());
        target = "/v1/approvals/" + std::to_string(held.value(QStringLiteral("id")).toInteger());
        QCOMPARE(approver.request("POST", target + "/approve", "{}").status, 200);
        const QJsonObject delivered = respond.get();
        QVERIFY(delivered.value(QStringLiteral("delivered")).toBool());
        QCOMPARE(held.value(QStringLiteral("real_parameters")).toObject(),
                 QJsonObject({{QStringLiteral("text"), delivered.value(QStringLiteral("text"))}}));
        QCOMPARE(delivered.value(QStringLiteral("text")).toString(), reply);
        QVERIFY(end(id));
    }

    void stateOutlivesSessionsAndIsTheOwners()
    {
        QString id = start(externalSession());
        QVERIFY(!id.isEmpty());
        QJsonObject r = gateway(id, QStringLiteral("openshell/state/put"),
                                {{QStringLiteral("key"), QStringLiteral("memory")},
                                 {QStringLiteral("value"), QJsonObject{{QStringLiteral("note"), QStringLiteral("state-marker-5521")}}}});
        QVERIFY2(r.contains(QStringLiteral("result")), QJsonDocument(r).toJson().constData());
        QVERIFY(end(id));
        id = start(externalSession());
        r = result(gateway(id, QStringLiteral("openshell/state/get"), {{QStringLiteral("key"), QStringLiteral("memory")}}));
        QVERIFY(r.value(QStringLiteral("found")).toBool());
        QCOMPARE(r.value(QStringLiteral("value")).toObject().value(QStringLiteral("note")).toString(), QStringLiteral("state-marker-5521"));
        r = gateway(id, QStringLiteral("openshell/state/put"), {{QStringLiteral("key"), QStringLiteral("../x")}, {QStringLiteral("value"), 1}});
        QCOMPARE(r.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), -32602);
        QVERIFY(end(id));

        // Over the API: the owner (root here) and a token of root's naming
        // the agent may; a token naming another agent may not, and another
        // uid has stores of its own.
        ApiResponse a = m_svc.call("GET", "/v1/state/support-bot/memory");
        QVERIFY2(a.status == 200, a.body.c_str());
        ApiClient bot(m_svc.tcpEndpoint(kBotToken));
        a = bot.request("GET", "/v1/state/support-bot/memory");
        QCOMPARE(a.status, 200);
        QCOMPARE(json(a).value(QStringLiteral("value")).toObject().value(QStringLiteral("note")).toString(), QStringLiteral("state-marker-5521"));
        ApiClient other(m_svc.tcpEndpoint(kOtherBotToken));
        a = other.request("GET", "/v1/state/support-bot/memory");
        QCOMPARE(a.status, 403);
        QCOMPARE(other.request("PUT", "/v1/state/support-bot/memory", R"({"value": 1})").status, 403);
        ApiClient nobody(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
        QCOMPARE(nobody.request("GET", "/v1/state/support-bot/memory").status, 404);
        QCOMPARE(nobody.request("DELETE", "/v1/state/support-bot/memory").status, 404);
        a = nobody.request("GET", "/v1/state/support-bot/memory?owner=0");
        QCOMPARE(a.status, 403);
        QCOMPARE(json(a).value(QStringLiteral("field")).toString(), QStringLiteral("owner"));
        // A token limited to one agent cannot reach another through a
        // session whose policy names that agent.
        ApiResponse viaSession = other.request("POST", "/v1/sessions", QJsonDocument(externalSession()).toJson().toStdString());
        QCOMPARE(viaSession.status, 403);
        QCOMPARE(json(viaSession).value(QStringLiteral("field")).toString(), QStringLiteral("policy_yaml"));
        // Nor through a session of that agent its uid (root) started.
        const QString roots = start(externalSession());
        QCOMPARE(gateway(roots, QStringLiteral("openshell/state/get"), {{QStringLiteral("key"), QStringLiteral("memory")}}, &other)
                     .value(QStringLiteral("status"))
                     .toInt(),
                 404);
        QVERIFY(result(gateway(roots, QStringLiteral("openshell/state/get"), {{QStringLiteral("key"), QStringLiteral("memory")}}, &bot))
                    .value(QStringLiteral("found"))
                    .toBool());
        // Nor read it, its events or its listing, nor restore or delete snapshots.
        QCOMPARE(other.request("GET", "/v1/sessions/" + roots.toStdString()).status, 404);
        QCOMPARE(other.request("GET", "/v1/sessions/" + roots.toStdString() + "/events").status, 404);
        QVERIFY(!QString::fromStdString(other.request("GET", "/v1/sessions").body).contains(roots));
        QVERIFY(QString::fromStdString(bot.request("GET", "/v1/sessions").body).contains(roots));
        QJsonObject restoring = externalSession();
        restoring.insert(QStringLiteral("restore"), roots);
        a = bot.request("POST", "/v1/sessions", QJsonDocument(restoring).toJson().toStdString());
        QCOMPARE(a.status, 403);
        QCOMPARE(json(a).value(QStringLiteral("field")).toString(), QStringLiteral("restore"));
        QCOMPARE(bot.request("DELETE", "/v1/snapshots/" + roots.toStdString()).status, 403);
        QVERIFY(end(roots));
        // uid 65534's own store is theirs.
        QCOMPARE(nobody.request("PUT", "/v1/state/nobody-bot/k", R"({"value": [1, "two"]})").status, 204);
        QCOMPARE(json(nobody.request("GET", "/v1/state/nobody-bot")).value(QStringLiteral("keys")).toArray(), (QJsonArray{QStringLiteral("k")}));
        QCOMPARE(bot.request("GET", "/v1/state/nobody-bot/k").status, 403);
        // Bad names and keys name the field.
        QCOMPARE(json(m_svc.call("GET", "/v1/state/Bad/k")).value(QStringLiteral("field")).toString(), QStringLiteral("agent"));
        QCOMPARE(json(m_svc.call("GET", "/v1/state/support-bot/a%20b")).value(QStringLiteral("field")).toString(), QStringLiteral("key"));
        QCOMPARE(m_svc.call("GET", "/v1/state/support-bot/a%2Fb").status, 404); // decoded: no such route
        QCOMPARE(json(m_svc.callRaw("PUT", "/v1/state/support-bot/k", "{}")).value(QStringLiteral("field")).toString(), QStringLiteral("value"));
        QCOMPARE(m_svc.call("DELETE", "/v1/state/support-bot/memory").status, 204);
        QCOMPARE(m_svc.call("GET", "/v1/state/support-bot/memory").status, 404);

        // On disk: neither value in the clear, keys root's alone.
        for (const QString &f : QDir(QFileInfo(m_svc.store).absolutePath() + QStringLiteral("/state")).entryList(QDir::Files)) {
            QFile file(QFileInfo(m_svc.store).absolutePath() + QStringLiteral("/state/") + f);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains("state-marker-5521") && !bytes.contains("\"two\""), qPrintable(f));
        }
    }

    void snapshotsAreSealedAndRestoredByTheirOwner()
    {
        QJsonObject body = externalSession();
        body[QStringLiteral("policy_yaml")] = body.value(QStringLiteral("policy_yaml"))
                                                  .toString()
                                                  .replace(QStringLiteral("  isolation: gvisor\n"),
                                                           QStringLiteral("  isolation: gvisor\n  cleanup_policy: snapshot\n"));
        const QString id = start(body);
        QVERIFY(!id.isEmpty());
        QJsonObject w = result(gateway(id, QStringLiteral("openshell/file"),
                                       {{QStringLiteral("operation"), QStringLiteral("write")},
                                        {QStringLiteral("path"), QStringLiteral("notes.txt")},
                                        {QStringLiteral("content"), QStringLiteral("snapshot-marker-4410\n")}}));
        QVERIFY2(w.value(QStringLiteral("ok")).toBool(), QJsonDocument(w).toJson().constData());
        const ApiResponse during = m_svc.call("POST", "/v1/sessions/" + id.toStdString() + "/snapshot");
        QCOMPARE(during.status, 201);
        QCOMPARE(json(during).value(QStringLiteral("snapshot")).toString(), id + QStringLiteral(".1"));
        QVERIFY(end(id));

        // Only sealed files at rest, none holding the workspace's text.
        const QDir snapshots(QFileInfo(m_svc.store).absolutePath() + QStringLiteral("/snapshots"));
        QCOMPARE(snapshots.entryList({id + QStringLiteral("*")}, QDir::Files),
                 (QStringList{id + QStringLiteral(".1.tar.zst.sealed"), id + QStringLiteral(".tar.zst.sealed")}));
        for (const QString &f : snapshots.entryList({id + QStringLiteral("*")}, QDir::Files)) {
            QFile file(snapshots.filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains("snapshot-marker-4410"));
        }

        // Restored into a new session by its owner, for both snapshots.
        for (const QString &name : QStringList{id, id + QStringLiteral(".1")}) {
            QJsonObject again = externalSession();
            again.insert(QStringLiteral("restore"), name);
            const QString next = start(again);
            QVERIFY(!next.isEmpty());
            const QJsonObject r = result(gateway(next, QStringLiteral("openshell/file"),
                                                 {{QStringLiteral("operation"), QStringLiteral("read")}, {QStringLiteral("path"), QStringLiteral("notes.txt")}}));
            QCOMPARE(r.value(QStringLiteral("content")).toString(), QStringLiteral("snapshot-marker-4410\n"));
            QVERIFY(end(next));
        }
        QVERIFY(QDir(QFileInfo(m_svc.store).absolutePath() + QStringLiteral("/restore")).isEmpty()); // nothing plain left

        // Only into a fresh workspace: a client's own folder is refused at once.
        QJsonObject intoFolder = externalSession();
        intoFolder.insert(QStringLiteral("restore"), id);
        intoFolder.insert(QStringLiteral("workspace"), m_svc.dir.path());
        ApiResponse refused = m_svc.call("POST", "/v1/sessions", intoFolder);
        QCOMPARE(refused.status, 400);
        QCOMPARE(json(refused).value(QStringLiteral("field")).toString(), QStringLiteral("workspace"));

        // Not for another uid: as if there were none.
        QJsonObject theirs = externalSession();
        theirs.insert(QStringLiteral("restore"), id);
        ApiClient nobody(m_svc.tcpEndpoint(ServiceFixture::kNobodyToken));
        ApiResponse r = nobody.request("POST", "/v1/sessions", QJsonDocument(theirs).toJson().toStdString());
        QCOMPARE(r.status, 404);
        QCOMPARE(json(r).value(QStringLiteral("field")).toString(), QStringLiteral("restore"));
        // A sealed file under another name (or claiming another owner) does not open.
        QVERIFY(QFile::copy(snapshots.filePath(id + QStringLiteral(".tar.zst.sealed")), snapshots.filePath(QStringLiteral("renamed.tar.zst.sealed"))));
        theirs.insert(QStringLiteral("restore"), QStringLiteral("renamed"));
        r = m_svc.call("POST", "/v1/sessions", theirs);
        QCOMPARE(r.status, 422);
        QVERIFY(QString::fromStdString(r.body).contains(QStringLiteral("does not decrypt")));
        QFile claimed(snapshots.filePath(id + QStringLiteral(".tar.zst.sealed")));
        QVERIFY(claimed.open(QIODevice::ReadWrite));
        claimed.seek(8);
        claimed.write(QByteArray("\xfe\xff\x00\x00", 4)); // owner uid 65534
        claimed.close();
        theirs.insert(QStringLiteral("restore"), id);
        QCOMPARE(nobody.request("POST", "/v1/sessions", QJsonDocument(theirs).toJson().toStdString()).status, 422);
        for (const char *bad : {"../x", ".", "a/b", ""}) {
            theirs.insert(QStringLiteral("restore"), QString::fromLatin1(bad));
            QCOMPARE(m_svc.call("POST", "/v1/sessions", theirs).status, 404);
        }
        // Deleted by their owner only; then gone.
        const std::string taken = "/v1/snapshots/" + id.toStdString() + ".1";
        QCOMPARE(nobody.request("DELETE", taken).status, 404);
        QCOMPARE(m_svc.call("DELETE", taken).status, 204);
        QCOMPARE(m_svc.call("DELETE", taken).status, 404);
        theirs.insert(QStringLiteral("restore"), QString(id + QStringLiteral(".1")));
        QCOMPARE(m_svc.call("POST", "/v1/sessions", theirs).status, 404);
    }

    void validateGivesTheDocument()
    {
        const ApiResponse r = m_svc.call("POST", "/v1/policies/validate",
                                         {{QStringLiteral("policy_yaml"), QStringLiteral("version: 1\nname: v\nsandbox: {max_memory_mb: 512}\n")}});
        QCOMPARE(r.status, 200);
        const QJsonObject doc = json(r).value(QStringLiteral("document")).toObject();
        QCOMPARE(doc.value(QStringLiteral("sandbox")).toObject().value(QStringLiteral("max_memory_mb")).toInt(), 512);
        const ApiResponse bad = m_svc.call("POST", "/v1/policies/validate", {{QStringLiteral("policy_yaml"), QStringLiteral("a: [\n")}});
        QVERIFY(json(bad).value(QStringLiteral("document")).isNull());
    }
};

QTEST_GUILESS_MAIN(TestAgentApi)
#include "tst_agentapi.moc"
