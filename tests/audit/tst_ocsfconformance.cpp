// Every kind of audit event, as OCSF, against a table of what OCSF 1.8.0
// requires of its class (the class's required attributes with those of
// Base Event and the category, the required attributes and "at least one"
// constraints of the objects used, and the enumerations), written from the
// 1.8.0 class and object definitions. A Detection Finding accompanies each
// block, escalation and critical event.

#include "audit/ocsf.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <functional>
#include <map>
#include <vector>

using namespace osh;
using namespace osh::audit;

namespace {

struct ClassRule
{
    const char *name;
    int category;
    std::vector<const char *> required;        // beyond Base Event's
    std::vector<const char *> atLeastOne;      // class constraint (HTTP Activity)
    std::vector<int> activities;               // besides 0 Unknown and 99 Other
    std::vector<int> statuses;                 // besides 0 and 99
};

// OCSF 1.8.0. Base Event requires activity_id, category_uid, class_uid,
// metadata, severity_id, time, type_uid.
const std::map<int, ClassRule> &classes()
{
    static const std::map<int, ClassRule> rules {
        {1001, {"File System Activity", 1, {"actor", "device", "file"}, {}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, {1, 2}}},
        {2004, {"Detection Finding", 2, {"finding_info"}, {}, {1, 2, 3}, {1, 2, 3, 4, 5, 6}}},
        {4001, {"Network Activity", 4, {}, {}, {1, 2, 3, 4, 5, 6, 7}, {1, 2}}},
        {4002, {"HTTP Activity", 4, {}, {"http_request", "http_response"}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2}}},
        {6002, {"Application Lifecycle", 6, {"app"}, {}, {1, 2, 3, 4, 5, 6, 7, 8}, {1, 2}}},
        {6003, {"API Activity", 6, {"actor", "api", "src_endpoint"}, {}, {1, 2, 3, 4}, {1, 2}}},
    };
    return rules;
}

struct ObjectRule
{
    std::vector<const char *> required;
    std::vector<const char *> atLeastOne;
};

// Objects by the attribute that holds them.
const std::map<QString, ObjectRule> &objects()
{
    static const std::map<QString, ObjectRule> rules {
        {QStringLiteral("metadata"), {{"product", "version"}, {}}},
        {QStringLiteral("api"), {{"operation"}, {}}},
        {QStringLiteral("file"), {{"name", "type_id"}, {}}},
        {QStringLiteral("device"),
         {{"type_id"}, {"ip", "uid", "name", "hostname", "instance_uid", "interface_uid", "interface_name"}}},
        {QStringLiteral("finding_info"), {{"uid"}, {}}},
        {QStringLiteral("actor"), {{}, {"process", "user", "invoked_by", "session", "app_name", "app_uid"}}},
        {QStringLiteral("src_endpoint"),
         {{}, {"ip", "uid", "name", "hostname", "svc_name", "instance_uid", "interface_uid", "interface_name", "domain"}}},
        {QStringLiteral("dst_endpoint"),
         {{}, {"ip", "uid", "name", "hostname", "svc_name", "instance_uid", "interface_uid", "interface_name", "domain"}}},
        {QStringLiteral("policy"), {{}, {"name", "type", "uid"}}},
        {QStringLiteral("url"), {{}, {"url_string", "path"}}},
    };
    return rules;
}

QSet<int> withUnknownAndOther(const std::vector<int> &ids)
{
    QSet<int> s {0, 99};
    for (int i : ids)
        s.insert(i);
    return s;
}

// Every failed requirement of one OCSF event, as readable lines.
QStringList violations(const QJsonObject &o)
{
    QStringList bad;
    auto need = [&](const QJsonObject &obj, const char *name, const QString &where) {
        if (!obj.contains(QLatin1StringView(name)) || obj.value(QLatin1StringView(name)).isNull())
            bad << where + QStringLiteral(": missing ") + QLatin1StringView(name);
    };
    for (const char *k : {"activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid"})
        need(o, k, QStringLiteral("base event"));
    const int cls = o.value(QStringLiteral("class_uid")).toInt();
    const auto it = classes().find(cls);
    if (it == classes().end())
        return bad << QStringLiteral("unknown class %1").arg(cls);
    const ClassRule &rule = it->second;
    if (o.value(QStringLiteral("class_name")).toString() != QLatin1StringView(rule.name))
        bad << QStringLiteral("class_name %1").arg(o.value(QStringLiteral("class_name")).toString());
    if (o.value(QStringLiteral("category_uid")).toInt() != rule.category || cls / 1000 != rule.category)
        bad << QStringLiteral("category_uid");
    for (const char *k : rule.required)
        need(o, k, QString::fromLatin1(rule.name));
    if (!rule.atLeastOne.empty()
        && std::none_of(rule.atLeastOne.begin(), rule.atLeastOne.end(),
                        [&](const char *k) { return o.contains(QLatin1StringView(k)); }))
        bad << QStringLiteral("%1: none of its at-least-one attributes").arg(QLatin1StringView(rule.name));
    const int activity = o.value(QStringLiteral("activity_id")).toInt(-1);
    if (!withUnknownAndOther(rule.activities).contains(activity))
        bad << QStringLiteral("activity_id %1").arg(activity);
    if (o.value(QStringLiteral("type_uid")).toInteger() != qint64(cls) * 100 + activity)
        bad << QStringLiteral("type_uid");
    if (!withUnknownAndOther({1, 2, 3, 4, 5, 6}).contains(o.value(QStringLiteral("severity_id")).toInt(-1)))
        bad << QStringLiteral("severity_id");
    if (o.contains(QStringLiteral("status_id"))
        && !withUnknownAndOther(rule.statuses).contains(o.value(QStringLiteral("status_id")).toInt(-1)))
        bad << QStringLiteral("status_id");
    if (!o.value(QStringLiteral("time")).isDouble())
        bad << QStringLiteral("time is not a number");

    const QJsonObject meta = o.value(QStringLiteral("metadata")).toObject();
    if (meta.value(QStringLiteral("version")).toString() != QLatin1StringView("1.8.0"))
        bad << QStringLiteral("metadata.version");
    if (meta.value(QStringLiteral("uid")).toString().isEmpty())
        bad << QStringLiteral("metadata.uid (the dedup id)");
    const QJsonArray profiles = meta.value(QStringLiteral("profiles")).toArray();
    // security_control: its attributes only with the profile declared.
    const bool control = profiles.contains(QStringLiteral("security_control"));
    for (const char *k : {"action_id", "disposition_id", "policy", "firewall_rule", "is_alert"})
        if (o.contains(QLatin1StringView(k)) && !control)
            bad << QStringLiteral("%1 without the security_control profile").arg(QLatin1StringView(k));
    if (o.contains(QStringLiteral("action_id"))
        && !withUnknownAndOther({1, 2, 3, 4}).contains(o.value(QStringLiteral("action_id")).toInt(-1)))
        bad << QStringLiteral("action_id");
    if (o.contains(QStringLiteral("disposition_id"))) {
        const int d = o.value(QStringLiteral("disposition_id")).toInt(-1);
        if (!(d == 99 || (d >= 0 && d <= 27)))
            bad << QStringLiteral("disposition_id");
    }

    // Objects, one level down (url inside http_request, product inside metadata).
    std::function<void(const QJsonObject &, const QString &)> checkObjects = [&](const QJsonObject &obj,
                                                                                  const QString &path) {
        for (auto i = obj.begin(); i != obj.end(); ++i) {
            if (!i.value().isObject() || i.key() == QLatin1StringView("unmapped"))
                continue;
            const QJsonObject child = i.value().toObject();
            const auto r = objects().find(i.key());
            if (r != objects().end()) {
                for (const char *k : r->second.required)
                    need(child, k, path + i.key());
                if (!r->second.atLeastOne.empty()
                    && std::none_of(r->second.atLeastOne.begin(), r->second.atLeastOne.end(),
                                    [&](const char *k) { return child.contains(QLatin1StringView(k)); }))
                    bad << path + i.key() + QStringLiteral(": none of its at-least-one attributes");
            }
            checkObjects(child, path + i.key() + QLatin1Char('.'));
        }
    };
    checkObjects(o, QString());
    if (o.contains(QStringLiteral("file")) && o.value(QStringLiteral("file")).toObject().value(QStringLiteral("type_id")).toInt(-1)
                                                  != 1)
        bad << QStringLiteral("file.type_id");
    return bad;
}

AuditEvent sample(const char *type, const char *decision, const char *parameters, const char *severity = "info")
{
    AuditEvent e;
    e.sessionId = "s-1";
    e.seq = 7;
    e.ts = 1764203712.345;
    e.type = type;
    e.decision = decision;
    e.parameters = parameters;
    e.severity = severity;
    e.message = "a message";
    if (*decision) {
        e.layer = "policy";
        e.policy = "a-policy";
        e.policyHash = "ab12";
        e.trace = R"({"decision":"allow","trace":[]})";
    }
    return e;
}

QJsonObject parse(const std::string &json)
{
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    if (err.error != QJsonParseError::NoError)
        qFatal("not JSON: %s", json.c_str());
    return doc.object();
}

} // namespace

class TstOcsfConformance : public QObject
{
    Q_OBJECT

private slots:
    void everyEventKind_data();
    void everyEventKind();
    void decisionsAreInStandardFields();
    void networkRuleIsAFirewallRule();
    void findingsAccompanyViolations();
    void policyVersionIsTheCommit();
};

void TstOcsfConformance::everyEventKind_data()
{
    QTest::addColumn<AuditEvent>("event");
    QTest::addColumn<int>("classUid");
    QTest::addColumn<int>("activityId");
    const char *tool = R"({"to":"[REDACTED:email]","body":"hi"})";
    auto add = [](const char *name, AuditEvent e, int cls, int activity, const char *toolName = "") {
        e.tool = toolName;
        QTest::newRow(name) << e << cls << activity;
    };
    add("tool call allowed", sample("tool_call", "allow", tool), 6003, 99, "email_send");
    add("tool call blocked", sample("tool_call", "block", tool, "warning"), 6003, 99, "email_send");
    add("tool call redacted", sample("tool_call", "redact", tool), 6003, 99, "email_send");
    add("tool call escalated", sample("tool_call", "escalate", tool, "warning"), 6003, 99, "email_send");
    add("tool call throttled", sample("tool_call", "throttle", tool), 6003, 99, "search");
    add("tool call logged", sample("tool_call", "log", tool), 6003, 99, "search");
    add("tool call without a tool", sample("tool_call", "block", "{}", "warning"), 6003, 99);
    add("data output redacted", sample("data_output", "redact", R"({"output":"[REDACTED:ssn]"})"), 6003, 99, "search");
    add("agent response", sample("agent_response", "allow", R"({"response":"done"})"), 6003, 99);
    add("reasoning", sample("reasoning", "", R"({"text":"thinking"})"), 6003, 99);
    add("usage", sample("usage", "", R"({"tokens":10})"), 6003, 99);
    add("approval held", sample("approval", "escalate", tool, "warning"), 6003, 99, "email_send");
    add("approval, no parameters", sample("approval", "", ""), 6003, 99);
    add("egress allowed",
        sample("network_egress", "allow",
              R"({"trigger":"network_egress","tool":{"name":"fetch"},"destination":{"host":"api.example.com","ip":"203.0.113.5","port":443,"protocol":"https"}})"),
        4001, 1, "fetch");
    add("egress refused",
        sample("network_egress", "block", R"({"destination":{"host":"evil.example","port":443}})", "warning"), 4001, 5,
        "fetch");
    add("egress without a destination", sample("network_egress", "block", "{}", "warning"), 4001, 5);
    add("http get inspected",
        sample("network_egress", "allow",
              R"({"destination":{"host":"api.example.com","port":443,"protocol":"https"},"request":{"method":"GET","path":"/v1/items","url":"https://api.example.com/v1/items?q=1","headers":{"user-agent":"agent/1"},"bytes":120}})"),
        4002, 3, "fetch");
    add("http post blocked",
        sample("network_egress", "block",
              R"({"destination":{"host":"api.example.com","port":443,"protocol":"https"},"request":{"method":"POST","path":"/upload"}})",
              "warning"),
        4002, 6, "fetch");
    add("http unusual method",
        sample("network_egress", "allow", R"({"destination":{"host":"h.example"},"request":{"method":"PROPFIND"}})"),
        4002, 99, "fetch");
    add("file read", sample("file_access", "allow", R"({"file":{"path":"/w/a.txt","operation":"read"}})"), 1001, 2);
    add("file write blocked",
        sample("file_access", "block", R"({"path":"/w/b.bin","operation":"write"})", "warning"), 1001, 3);
    add("file delete", sample("file_access", "allow", R"({"file":{"path":"/w/c","operation":"delete"}})"), 1001, 4);
    add("file, no path", sample("file_access", "block", R"({"operation":"symlink"})", "warning"), 1001, 99);
    AuditEvent started = sample("sandbox", "", "{}");
    started.message = "session started: gvisor isolation, command [\"agent\"], as uid 1000 (gid 1000)";
    add("session started", started, 6002, 3);
    AuditEvent failed = sample("sandbox", "", "", "critical");
    failed.message = "session could not start: runsc is missing";
    add("session could not start", failed, 6002, 3);
    AuditEvent ended = sample("session", "", "{}");
    ended.message = "session ended: exited, exit status 0";
    add("session ended", ended, 6002, 4);
    add("sandbox notice", sample("sandbox", "", "", "warning"), 6002, 99);
}

void TstOcsfConformance::everyEventKind()
{
    QFETCH(AuditEvent, event);
    QFETCH(int, classUid);
    QFETCH(int, activityId);
    std::string lines;
    appendOcsfLines(lines, event);
    int n = 0;
    for (const auto &line : QByteArray::fromStdString(lines).split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject o = parse(line.toStdString());
        const QStringList bad = violations(o);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; ")) + QStringLiteral("\n") + QString::fromUtf8(line)));
        if (n == 0) {
            QCOMPARE(o.value(QStringLiteral("class_uid")).toInt(), classUid);
            QCOMPARE(o.value(QStringLiteral("activity_id")).toInt(), activityId);
            QCOMPARE(o.value(QStringLiteral("unmapped")).toObject().value(QStringLiteral("session_id")).toString(),
                     QStringLiteral("s-1"));
        } else {
            QCOMPARE(o.value(QStringLiteral("class_uid")).toInt(), 2004);
        }
        ++n;
    }
    QCOMPARE(n, hasOcsfFinding(event) ? 2 : 1);
}

void TstOcsfConformance::decisionsAreInStandardFields()
{
    struct Row
    {
        const char *decision;
        int action;
        int disposition;
    };
    for (const Row &r : {Row {"allow", 1, 1}, Row {"block", 2, 2}, Row {"redact", 4, 11}, Row {"throttle", 1, 14},
                         Row {"log", 1, 17}, Row {"escalate", 99, 99}}) {
        const QJsonObject o = parse(toOcsfJson(sample("tool_call", r.decision, "{}")));
        QCOMPARE(o.value(QStringLiteral("action_id")).toInt(), r.action);
        QCOMPARE(o.value(QStringLiteral("disposition_id")).toInt(), r.disposition);
        QVERIFY(o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("profiles")).toArray()
                    .contains(QStringLiteral("security_control")));
        const QJsonObject policy = o.value(QStringLiteral("policy")).toObject();
        QCOMPARE(policy.value(QStringLiteral("name")).toString(), QStringLiteral("a-policy"));
        QCOMPARE(policy.value(QStringLiteral("uid")).toString(), QStringLiteral("ab12"));
    }
    // Undecided events declare no profile and carry no decision.
    const QJsonObject plain = parse(toOcsfJson(sample("reasoning", "", "{}")));
    QVERIFY(!plain.contains(QStringLiteral("action_id")));
    QVERIFY(plain.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("profiles")).toArray().isEmpty());
}

void TstOcsfConformance::networkRuleIsAFirewallRule()
{
    AuditEvent e = sample("network_egress", "block", R"({"destination":{"host":"x.example","port":80}})", "warning");
    e.layer = "network";
    e.policy.clear();
    e.trace = R"({"decision":"block","trace":[{"layer":"sandbox","verdict":"allow"},{"layer":"network","verdict":"block","rule":2,"reason":"no"}]})";
    QJsonObject o = parse(toOcsfJson(e));
    QCOMPARE(o.value(QStringLiteral("firewall_rule")).toObject().value(QStringLiteral("uid")).toString(), QStringLiteral("2"));
    QCOMPARE(o.value(QStringLiteral("policy")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("network layer"));
    e.trace = R"({"decision":"block","trace":[{"layer":"network","verdict":"block","reason":"default"}]})";
    o = parse(toOcsfJson(e));
    QCOMPARE(o.value(QStringLiteral("firewall_rule")).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("network.default_policy"));
    QVERIFY(violations(o).isEmpty());
}

void TstOcsfConformance::findingsAccompanyViolations()
{
    QVERIFY(hasOcsfFinding(sample("tool_call", "block", "{}")));
    QVERIFY(hasOcsfFinding(sample("tool_call", "escalate", "{}")));
    QVERIFY(hasOcsfFinding(sample("sandbox", "", "", "critical")));
    QVERIFY(!hasOcsfFinding(sample("tool_call", "redact", "{}")));
    QVERIFY(!hasOcsfFinding(sample("tool_call", "allow", "{}", "warning")));
    std::string f;
    AuditEvent e = sample("tool_call", "block", "{}", "warning");
    e.tool = "shell";
    appendOcsfFindingJson(f, e);
    const QJsonObject o = parse(f);
    const QJsonObject info = o.value(QStringLiteral("finding_info")).toObject();
    QCOMPARE(info.value(QStringLiteral("uid")).toString(), QStringLiteral("s-1#7"));
    QVERIFY(info.value(QStringLiteral("title")).toString().contains(QStringLiteral("shell")));
    // Its own dedup id, distinct from the event's.
    QCOMPARE(o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString(),
             QStringLiteral("s-1#7#finding"));
    QCOMPARE(o.value(QStringLiteral("is_alert")).toBool(), true);
}

void TstOcsfConformance::policyVersionIsTheCommit()
{
    OcsfContext ctx;
    ctx.policyCommit = "0123abcd";
    const QJsonObject o = parse(toOcsfJson(sample("tool_call", "block", "{}"), ctx));
    QCOMPARE(o.value(QStringLiteral("policy")).toObject().value(QStringLiteral("version")).toString(),
             QStringLiteral("0123abcd"));
}

QTEST_GUILESS_MAIN(TstOcsfConformance)
#include "tst_ocsfconformance.moc"
