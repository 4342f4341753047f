// The audit record formats: ISO-8601 times and --since, the JSON-lines
// forms, the embedded-JSON check and the OCSF mapping.

#include "audit/auditjson.h"
#include "audit/audittime.h"
#include "audit/ocsf.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace osh::audit;

namespace {

QJsonObject parse(const std::string &json)
{
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("bad JSON: %s: %s", qPrintable(err.errorString()), json.c_str());
    return doc.object();
}

osh::AuditEvent sample()
{
    osh::AuditEvent e;
    e.sessionId = "s1";
    e.seq = 42;
    e.ts = 1764203712.345;
    e.type = "tool_call";
    e.tool = "email_send";
    e.parameters = "{\"to\": \"[EMAIL]\",\n \"n\": [1, 2]}";
    e.decision = "escalate";
    e.layer = "policy";
    e.policy = "review-mail";
    e.message = "needs \"review\"";
    e.severity = "warning";
    e.trace = "{\"outcome\":\"escalate\"}";
    e.policyHash = "ab12";
    return e;
}

} // namespace

class TstAuditFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isoTime_data()
    {
        QTest::addColumn<double>("ts");
        QTest::addColumn<QString>("expected");
        QTest::newRow("epoch") << 0.0 << QStringLiteral("1970-01-01T00:00:00.000Z");
        QTest::newRow("ms") << 1764203712.345 << QStringLiteral("2025-11-27T00:35:12.345Z");
        QTest::newRow("rounds up into the next second") << 1764203712.9996 << QStringLiteral("2025-11-27T00:35:13.000Z");
        QTest::newRow("before the epoch") << -0.5 << QStringLiteral("1969-12-31T23:59:59.500Z");
    }

    void isoTime()
    {
        QFETCH(double, ts);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(formatIsoUtc(ts)), expected);
    }

    void since_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("expected"); // NaN: invalid
        const double now = 1764203712.0;
        QTest::newRow("seconds") << QStringLiteral("90s") << now - 90;
        QTest::newRow("minutes") << QStringLiteral("30m") << now - 1800;
        QTest::newRow("hours") << QStringLiteral("1h") << now - 3600;
        QTest::newRow("fraction") << QStringLiteral("1.5h") << now - 5400;
        QTest::newRow("days") << QStringLiteral("2d") << now - 172800;
        QTest::newRow("weeks") << QStringLiteral("1w") << now - 604800;
        QTest::newRow("date") << QStringLiteral("2025-11-27") << 1764201600.0;
        QTest::newRow("date-time is UTC") << QStringLiteral("2025-11-27T00:35:12") << now;
        QTest::newRow("Z and ms") << QStringLiteral("2025-11-27T00:35:12.500Z") << now + 0.5;
        QTest::newRow("offset") << QStringLiteral("2025-11-27T02:35:12+02:00") << now;
        QTest::newRow("no unit") << QStringLiteral("30") << qQNaN();
        QTest::newRow("bad unit") << QStringLiteral("3y") << qQNaN();
        QTest::newRow("two dots") << QStringLiteral("1.2.3h") << qQNaN();
        QTest::newRow("garbage") << QStringLiteral("yesterday") << qQNaN();
        QTest::newRow("empty") << QString() << qQNaN();
    }

    void since()
    {
        QFETCH(QString, text);
        QFETCH(double, expected);
        std::string error;
        const auto got = parseSince(text.toStdString(), 1764203712.0, error);
        if (qIsNaN(expected)) {
            QVERIFY(!got);
            QVERIFY(!error.empty());
        } else {
            QVERIFY2(got, error.c_str());
            QCOMPARE(*got, expected);
        }
    }

    void jsonCheck_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("object") << QStringLiteral("{\"a\":[1,2.5e3,-0,true,false,null,\"x\\u00e9\"]}") << true;
        QTest::newRow("spaces") << QStringLiteral(" { \"a\" : { } } ") << true;
        QTest::newRow("string") << QStringLiteral("\"s\"") << true;
        QTest::newRow("trailing comma") << QStringLiteral("{\"a\":1,}") << false;
        QTest::newRow("unquoted key") << QStringLiteral("{a:1}") << false;
        QTest::newRow("two values") << QStringLiteral("{} {}") << false;
        QTest::newRow("leading zero") << QStringLiteral("[01]") << false;
        QTest::newRow("bad escape") << QStringLiteral("\"\\x\"") << false;
        QTest::newRow("unterminated") << QStringLiteral("{\"a\":\"b}") << false;
        QTest::newRow("plain text") << QStringLiteral("to=bob") << false;
        QTest::newRow("too deep") << QString(300, QLatin1Char('[')) + QString(300, QLatin1Char(']')) << false;
    }

    void jsonCheck()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QCOMPARE(isJsonValue(text.toStdString()), valid);
    }

    void eventJson()
    {
        std::string out;
        appendEventJson(out, sample());
        QVERIFY(out.find('\n') == std::string::npos); // one line, even for pretty parameters
        const auto o = parse(out);
        QCOMPARE(o.value(QStringLiteral("session_id")).toString(), QStringLiteral("s1"));
        QCOMPARE(o.value(QStringLiteral("seq")).toInt(), 42);
        QCOMPARE(o.value(QStringLiteral("ts")).toString(), QStringLiteral("2025-11-27T00:35:12.345Z"));
        QCOMPARE(o.value(QStringLiteral("decision")).toString(), QStringLiteral("escalate"));
        QCOMPARE(o.value(QStringLiteral("parameters")).toObject().value(QStringLiteral("n")).toArray().size(), 2);
        QCOMPARE(o.value(QStringLiteral("trace")).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("escalate"));
        QCOMPARE(o.value(QStringLiteral("message")).toString(), QStringLiteral("needs \"review\""));
        QCOMPARE(o.value(QStringLiteral("policy_hash")).toString(), QStringLiteral("ab12"));
        for (const char *k : {"type", "tool", "layer", "policy", "severity"})
            QVERIFY(o.value(QLatin1StringView(k)).isString());

        auto bare = sample();
        bare.decision.clear();
        bare.trace.clear();
        bare.parameters = "not json";
        out.clear();
        appendEventJson(out, bare);
        const auto b = parse(out);
        QVERIFY(b.value(QStringLiteral("decision")).isNull());
        QVERIFY(b.value(QStringLiteral("trace")).isNull());
        QCOMPARE(b.value(QStringLiteral("parameters")).toString(), QStringLiteral("not json")); // kept, as a string
    }

    void eventJsonLeavesThePositionOut()
    {
        // The store's row id is for cursors, not part of the record.
        auto e = sample();
        std::string before;
        appendEventJson(before, e);
        e.row = 1234;
        std::string after;
        appendEventJson(after, e);
        QCOMPARE(after, before);
    }

    void sessionJsonOwner()
    {
        osh::SessionSummary s;
        s.session.id = "s1";
        s.session.startedAt = 1764203712.345;
        s.events = 2;
        s.byDecision["allow"] = 2;
        std::string out;
        appendSessionJson(out, s);
        auto o = parse(out);
        QVERIFY(o.contains(QStringLiteral("owner_uid")));
        QVERIFY(o.value(QStringLiteral("owner_uid")).isNull());
        QCOMPARE(o.value(QStringLiteral("events")).toObject().value(QStringLiteral("total")).toInt(), 2);
        for (const std::uint32_t uid : {0u, 1000u, 4294967294u}) {
            s.session.ownerUid = uid;
            out.clear();
            appendSessionJson(out, s);
            o = parse(out);
            QVERIFY2(o.value(QStringLiteral("owner_uid")).isDouble(), out.c_str());
            QCOMPARE(o.value(QStringLiteral("owner_uid")).toInteger(-1), qint64(uid));
        }
    }

    void approvalJsonResolverUid()
    {
        osh::ApprovalRecord a;
        a.id = 3;
        a.sessionId = "s1";
        a.status = osh::ApprovalStatus::Denied;
        a.resolver = "alice";
        std::string out;
        appendApprovalJson(out, a);
        auto o = parse(out);
        QVERIFY(o.contains(QStringLiteral("resolver_uid")));
        QVERIFY(o.value(QStringLiteral("resolver_uid")).isNull());
        a.resolverUid = 1000;
        out.clear();
        appendApprovalJson(out, a);
        o = parse(out);
        QCOMPARE(o.value(QStringLiteral("resolver_uid")).toInteger(-1), qint64(1000));
        QCOMPARE(o.value(QStringLiteral("resolver")).toString(), QStringLiteral("alice"));
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("denied"));
    }

    void ocsf_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("decision");
        QTest::addColumn<QString>("parameters");
        QTest::addColumn<int>("classUid");
        QTest::addColumn<int>("activityId");
        QTest::addColumn<int>("dispositionId");
        QTest::addColumn<int>("actionId");
        const auto l = [](const char *x) { return QString::fromLatin1(x); };
        QTest::newRow("tool call allowed") << l("tool_call") << l("allow") << l("{}") << 6003 << 99 << 1 << 1;
        QTest::newRow("tool call escalated") << l("tool_call") << l("escalate") << l("{}") << 6003 << 99 << 99 << 99;
        QTest::newRow("output redacted") << l("data_output") << l("redact") << l("{}") << 6003 << 99 << 11 << 4;
        QTest::newRow("throttled") << l("tool_call") << l("throttle") << l("{}") << 6003 << 99 << 14 << 1;
        QTest::newRow("logged") << l("agent_response") << l("log") << l("{}") << 6003 << 99 << 17 << 1;
        QTest::newRow("egress blocked") << l("network_egress") << l("block")
                                        << l("{\"destination\":{\"host\":\"evil.example\",\"port\":443}}") << 4001 << 5 << 2 << 2;
        QTest::newRow("egress allowed") << l("network_egress") << l("allow") << l("{\"host\":\"api.example\"}") << 4001 << 1 << 1 << 1;
        QTest::newRow("file read") << l("file_access") << l("allow") << l("{\"file\":{\"path\":\"/w/a.txt\",\"operation\":\"read\"}}")
                                   << 1001 << 2 << 1 << 1;
        QTest::newRow("file delete blocked") << l("file_access") << l("block") << l("{\"path\":\"/w/b\",\"operation\":\"delete\"}")
                                             << 1001 << 4 << 2 << 2;
        QTest::newRow("session") << l("session") << l("") << l("{}") << 6002 << 99 << -1 << -1;
        QTest::newRow("reasoning") << l("reasoning") << l("") << l("") << 6003 << 99 << -1 << -1;
    }

    void ocsf()
    {
        QFETCH(QString, type);
        QFETCH(QString, decision);
        QFETCH(QString, parameters);
        QFETCH(int, classUid);
        QFETCH(int, activityId);
        QFETCH(int, dispositionId);
        QFETCH(int, actionId);
        auto e = sample();
        e.type = type.toStdString();
        e.decision = decision.toStdString();
        e.parameters = parameters.toStdString();
        const auto o = parse(toOcsfJson(e));
        QCOMPARE(o.value(QStringLiteral("class_uid")).toInt(), classUid);
        QCOMPARE(o.value(QStringLiteral("activity_id")).toInt(), activityId);
        QCOMPARE(o.value(QStringLiteral("type_uid")).toInt(), classUid * 100 + activityId);
        QCOMPARE(o.value(QStringLiteral("disposition_id")).toInt(-1), dispositionId);
        QCOMPARE(o.value(QStringLiteral("action_id")).toInt(-1), actionId);
        QCOMPARE(o.value(QStringLiteral("time")).toInteger(), qint64(1764203712345));
        QCOMPARE(o.value(QStringLiteral("severity_id")).toInt(), 3); // warning
        QCOMPARE(o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("product")).toObject()
                     .value(QStringLiteral("name")).toString(),
                 QStringLiteral("OpenShell Studio"));
        if (classUid != 6002) // Application Lifecycle has the app, not an actor
            QCOMPARE(o.value(QStringLiteral("actor")).toObject().value(QStringLiteral("session")).toObject()
                         .value(QStringLiteral("uid")).toString(),
                     QStringLiteral("s1"));
        const auto unmapped = o.value(QStringLiteral("unmapped")).toObject();
        QCOMPARE(unmapped.value(QStringLiteral("audit_type")).toString(), type);
        if (classUid == 4001 && decision == QLatin1StringView("block")) {
            const auto dst = o.value(QStringLiteral("dst_endpoint")).toObject();
            QCOMPARE(dst.value(QStringLiteral("hostname")).toString(), QStringLiteral("evil.example"));
            QCOMPARE(dst.value(QStringLiteral("port")).toInt(), 443);
        }
        if (classUid == 1001)
            QVERIFY(o.value(QStringLiteral("file")).toObject().value(QStringLiteral("path")).toString().startsWith(QLatin1StringView("/w/")));
        if (classUid == 6003)
            QCOMPARE(o.value(QStringLiteral("api")).toObject().value(QStringLiteral("operation")).toString(), QStringLiteral("email_send"));
    }
};

QTEST_GUILESS_MAIN(TstAuditFormat)
#include "tst_auditformat.moc"
