// Decisions for every trigger, layer and outcome (spec section 5).

#include "enginetesthelpers.h"

#include <QFile>

using namespace osh;
using namespace osh::test;

namespace {

std::string production()
{
    QFile f(QStringLiteral(OSH_TEST_DATA_DIR "/seed/production.policy.yaml"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no production policy");
    return f.readAll().toStdString();
}

const char *kLayered = R"(version: 1
name: layered
sandbox:
  max_execution_time_seconds: 100
network:
  default_policy: deny-all
  hosts: {intranet.local: 10.1.2.3, demo.local: 127.0.0.1}
  regions:
    us-east-1: ["*.us-east-1.example.com", 203.0.113.0/24]
  rules:
    - tool: fetcher
      allowed_hosts: ["*.example.com", demo.local]
      allowed_ports: [443]
      max_request_size_kb: 1
    - tool: fetcher
      allowed_hosts: [intranet.local, "*.corp.example.net"]
      allowed_ports: [443]
    - tool: mailer
      allowed_hosts: [smtp.example.com]
      allowed_ports: [587]
      protocol: smtp
      rate_limit: 2/minute
    - tool: "*"
      allowed_hosts: [203.0.113.0/24]
      allowed_ports: [443]
filesystem:
  workspace: /ws
  rules:
    - {path: /ws, permissions: read-write, allowed_extensions: [.txt, .json, .zip], max_file_size_mb: 1, max_total_size_mb: 2}
    - {path: /ws/links, permissions: read-write, block_symlinks: false}
    - {path: /kb, permissions: read}
    - {path: /out, permissions: write}
policies:
  - name: residency
    trigger: network_egress
    condition: destination_region != null and destination_region not in ['us-east-1']
    action: block
    message: outside region
  - name: no-secrets-out
    trigger: file_access
    condition: file.operation == 'write' and ends_with(file.path, '.json') and file.size > 1000
    action: escalate
    escalation: review
  - name: logger
    trigger: data_output
    condition: len(output) > 100
    action: log
    log_level: debug
  - name: bad-log
    trigger: data_output
    condition: 1 / (session.tool_calls - session.tool_calls) > 1
    action: log
  - name: redact
    trigger: data_output
    condition: contains_pii(output)
    action: redact
    pii_types: [credit_card, ssn]
tools:
  - {name: fetcher, command: [fetch]}
  - {name: mailer, command: [mail]}
  - {name: search, command: [search], cost_per_call: 0.5}
)";

} // namespace

class TstDecisionEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void productionPolicy_data()
    {
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("layer");
        QTest::addColumn<QString>("policy");
        const auto row = [](const char *name, const char *req, const char *out, const char *lay, const char *pol) {
            QTest::newRow(name) << QString::fromUtf8(req) << QString::fromLatin1(out) << QString::fromLatin1(lay)
                                << QString::fromLatin1(pol);
        };
        row("email escalates", R"({"trigger":"tool_call","tool":{"name":"email_send","args":{"to":"a@b.c"}}})", "escalate", "policy", "email-approval");
        row("search allowed", R"({"trigger":"tool_call","tool":{"name":"knowledge_search","args":{"q":"refund"}}})", "allow", "none", "");
        row("output redacted", R"({"trigger":"data_output","tool":{"name":"ticket_api"},"output":"card 4111 1111 1111 1111"})", "redact", "policy", "pii-redact");
        row("clean output", R"({"trigger":"data_output","output":"ticket 42 is open"})", "allow", "none", "");
        row("ticket host for ticket tool", R"({"trigger":"network_egress","tool":{"name":"ticket_api"},"destination":{"host":"jira.company.com","port":443,"protocol":"https"}})", "allow", "none", "");
        row("ticket host from search tool", R"({"trigger":"network_egress","tool":{"name":"knowledge_search"},"destination":{"host":"jira.company.com","port":443,"protocol":"https"}})", "block", "network", "");
        row("agent direct egress", R"({"trigger":"network_egress","destination":{"host":"jira.company.com","port":443}})", "block", "network", "");
        row("wrong port", R"({"trigger":"network_egress","tool":{"name":"ticket_api"},"destination":{"host":"jira.company.com","port":8443}})", "block", "network", "");
        row("wrong protocol", R"({"trigger":"network_egress","tool":{"name":"email_send"},"destination":{"host":"smtp.company.com","port":587,"protocol":"tcp"}})", "block", "network", "");
        row("smtp ok", R"({"trigger":"network_egress","tool":{"name":"email_send"},"destination":{"host":"smtp.company.com","port":587,"protocol":"smtp"}})", "allow", "none", "");
        row("kb read", R"({"trigger":"file_access","file":{"path":"/data/kb/faq.md","operation":"read"}})", "allow", "none", "");
        row("kb write", R"({"trigger":"file_access","file":{"path":"/data/kb/faq.md","operation":"write","size":10}})", "block", "filesystem", "");
        row("outside", R"({"trigger":"file_access","file":{"path":"/etc/passwd","operation":"read"}})", "block", "filesystem", "");
        row("traversal", R"({"trigger":"file_access","file":{"path":"/agent/workspace/../../etc/shadow","operation":"read"}})", "block", "filesystem", "");
        row("relative in workspace", R"({"trigger":"file_access","file":{"path":"notes/a.txt","operation":"write","size":5}})", "allow", "none", "");
        row("relative escape", R"({"trigger":"file_access","file":{"path":"../../../etc/passwd","operation":"read"}})", "block", "filesystem", "");
        row("symlink blocked", R"({"trigger":"file_access","file":{"path":"/agent/workspace/l","operation":"symlink","target":"/etc/passwd"}})", "block", "filesystem", "");
        row("response allowed", R"({"trigger":"agent_response","response":"Your ticket is resolved."})", "allow", "none", "");
    }

    void productionPolicy()
    {
        QFETCH(QString, request);
        QFETCH(QString, outcome);
        QFETCH(QString, layer);
        QFETCH(QString, policy);
        Session s(production());
        const Decision d = s.decide(request.toStdString());
        QCOMPARE(test::outcome(d), outcome);
        QCOMPARE(test::layer(d), layer);
        QCOMPARE(QString::fromStdString(d.policy), policy);
        QVERIFY(!d.trace.empty());
        QCOMPARE(d.trace.front().layer, Layer::Sandbox);
    }

    void redactionOutput()
    {
        Session s(production());
        const auto d = s.decide(R"({"trigger":"data_output","output":"Card 4111-1111-1111-1111, SSN 123-45-6789, mail a@b.com"})");
        QCOMPARE(d.outcome, Action::Redact);
        QCOMPARE(QString::fromStdString(d.output.value()),
                 QStringLiteral("Card [REDACTED:credit_card], SSN [REDACTED:ssn], mail [REDACTED:email]"));
    }

    // What a PII call found and why sits beside the reads, never the text.
    void piiFindingsInTheTrace()
    {
        const auto doc = R"(version: 1
name: pii
policies:
  - name: no-card
    trigger: tool_call
    condition: tool.name == 'email_send' and contains_pii(tool.args, ['credit_card'])
    action: block
)";
        Session s(doc);
        const auto d = s.decide(
            R"({"trigger":"tool_call","tool":{"name":"email_send","args":{"body":"card 4111 1111\n  1111 1111"}}})");
        QCOMPARE(d.outcome, Action::Block);
        const QString json = QString::fromStdString(d.toJson());
        QVERIFY2(json.contains(QStringLiteral(
                     R"x("pii":{"contains_pii(tool.args, ['credit_card'])":[{"begin":5,"check":"luhn","detail":"visa",)x"
                     R"x("end":26,"in":".body","seen":["mixed_separators","line_break"],"type":"credit_card"}]}}]})x")),
                 qPrintable(json));
        // The reads still hold what the condition read (the audit log redacts
        // them); the finding holds none of the number.
        const QString pii = json.mid(json.indexOf(QStringLiteral("\"pii\"")));
        QVERIFY(!pii.contains(QStringLiteral("4111")) && !pii.contains(QStringLiteral("1111")));
    }

    void exactJsonShape()
    {
        const auto doc = R"(version: 1
name: cost
policies:
  - name: cost-limit
    trigger: tool_call
    condition: session.total_cost > 5.0
    action: block
    message: Session cost limit exceeded. Requesting human approval.
    escalation: human_queue
)";
        Session s(doc);
        const auto d = s.decide(R"({"trigger":"tool_call","ts":12.5,"tool":{"name":"email_send","args":{"to":"a@b.c"}},"session":{"total_cost":7.5},"cost":0.02})");
        QCOMPARE(QString::fromStdString(d.toJson()),
                 QStringLiteral(R"({"decision":"block","layer":"policy","policy":"cost-limit","message":"Session cost limit exceeded. Requesting human approval.",)"
                                R"("log_level":"info","escalation":"human_queue","delay_seconds":null,"output":null,)"
                                R"("trace":[{"layer":"sandbox","verdict":"allow"},{"layer":"policy","policy":"cost-limit","matched":true,"reads":{"session.total_cost":7.5}}]})"));
    }

    void layeredPolicy_data()
    {
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("layer");
        QTest::addColumn<QString>("reasonPart");
        const auto row = [](const char *name, const char *req, const char *out, const char *lay, const char *why) {
            QTest::newRow(name) << QString::fromUtf8(req) << QString::fromLatin1(out) << QString::fromLatin1(lay) << QString::fromUtf8(why);
        };
        // network layer
        row("wildcard", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"api.example.com","port":443}})", "allow", "none", "");
        row("wildcard deep", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"a.b.example.com","port":443}})", "allow", "none", "");
        row("wildcard apex", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"example.com","port":443}})", "block", "network", "no rule allows");
        row("suffix trick", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"evilexample.com","port":443}})", "block", "network", "no rule allows");
        row("case and dot", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"API.Example.COM.","port":443}})", "allow", "none", "");
        row("request too big", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"api.example.com","port":443},"request":{"bytes":2048}})", "block", "network", "max_request_size_kb");
        row("private via wildcard", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"x.corp.example.net","ip":"10.0.0.5","port":443}})", "block", "network", "block_private_ranges");
        row("private named exactly", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"intranet.local","port":443}})", "allow", "none", "");
        row("loopback named exactly", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"demo.local","port":443}})", "allow", "none", "");
        row("metadata via wildcard", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"meta.example.com","ip":"169.254.169.254","port":443}})", "block", "network", "link-local");
        // an address a DNS answer gave (destination.ip for a name neither literal nor in hosts)
        row("private answer named exactly", R"({"trigger":"network_egress","tool":{"name":"mailer"},"destination":{"host":"smtp.example.com","ip":"10.0.0.5","port":587,"protocol":"smtp"}})", "allow", "none", "");
        row("loopback answer named exactly", R"({"trigger":"network_egress","tool":{"name":"mailer"},"destination":{"host":"smtp.example.com","ip":"127.0.0.1","port":587,"protocol":"smtp"}})", "block", "network", "only through the policy's hosts map");
        row("metadata answer named exactly", R"({"trigger":"network_egress","tool":{"name":"mailer"},"destination":{"host":"smtp.example.com","ip":"fd00:ec2::254","port":587,"protocol":"smtp"}})", "block", "network", "cloud metadata");
        row("unspecified answer named exactly", R"({"trigger":"network_egress","tool":{"name":"mailer"},"destination":{"host":"smtp.example.com","ip":"0.0.0.0","port":587,"protocol":"smtp"}})", "block", "network", "unspecified");
        row("hosts entry wins over the answer", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"demo.local","ip":"127.0.0.1","port":443}})", "allow", "none", "");
        row("metadata literal", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"169.254.169.254","port":443}})", "block", "network", "no rule allows");
        row("decimal loopback", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"2130706433","port":443}})", "block", "network", "no rule");
        row("cidr any tool", R"({"trigger":"network_egress","tool":{"name":"mailer"},"destination":{"host":"203.0.113.9","port":443}})", "allow", "none", "");
        row("near miss reported", R"({"trigger":"network_egress","tool":{"name":"mailer"},"destination":{"host":"api.example.com","port":443}})", "block", "network", "for 'fetcher' only");
        // policy on egress: region
        row("region ok", R"({"trigger":"network_egress","tool":{"name":"fetcher"},"destination":{"host":"s3.us-east-1.example.com","port":443}})", "allow", "none", "");
        // sandbox layer
        row("undeclared tool", R"({"trigger":"tool_call","tool":{"name":"shell"}})", "block", "sandbox", "not declared");
        row("time limit", R"({"trigger":"tool_call","tool":{"name":"search"},"session":{"elapsed_seconds":101}})", "block", "sandbox", "time limit");
        // filesystem layer
        row("ext ok", R"({"trigger":"file_access","file":{"path":"/ws/a.txt","operation":"write","size":10}})", "allow", "none", "");
        row("ext upper", R"({"trigger":"file_access","file":{"path":"/ws/A.TXT","operation":"write","size":10}})", "allow", "none", "");
        row("ext refused", R"({"trigger":"file_access","file":{"path":"/ws/a.exe","operation":"write","size":10}})", "block", "filesystem", "extension '.exe'");
        row("double ext", R"({"trigger":"file_access","file":{"path":"/ws/a.txt.sh","operation":"create","size":1}})", "block", "filesystem", "'.sh'");
        row("no ext", R"({"trigger":"file_access","file":{"path":"/ws/Makefile","operation":"write","size":1}})", "block", "filesystem", "(none)");
        row("file too big", R"({"trigger":"file_access","file":{"path":"/ws/big.txt","operation":"write","size":2000000}})", "block", "filesystem", "max_file_size_mb");
        row("list ignores ext", R"({"trigger":"file_access","file":{"path":"/ws","operation":"list"}})", "allow", "none", "");
        row("write-only read", R"({"trigger":"file_access","file":{"path":"/out/r.json","operation":"read"}})", "block", "filesystem", "write-only");
        row("write-only list", R"({"trigger":"file_access","file":{"path":"/out","operation":"list"}})", "block", "filesystem", "write-only");
        row("write-only write", R"({"trigger":"file_access","file":{"path":"/out/r.json","operation":"create","size":1}})", "allow", "none", "");
        row("read-only delete", R"({"trigger":"file_access","file":{"path":"/kb/x.md","operation":"delete"}})", "block", "filesystem", "read-only");
        row("longest prefix", R"({"trigger":"file_access","file":{"path":"/ws/links/l","operation":"symlink","target":"/ws/links/t"}})", "allow", "none", "");
        row("symlink escape", R"({"trigger":"file_access","file":{"path":"/ws/links/l","operation":"symlink","target":"../../etc/passwd"}})", "block", "filesystem", "leaves");
        row("symlink blocked", R"({"trigger":"file_access","file":{"path":"/ws/l.txt","operation":"symlink","target":"/ws/a.txt"}})", "block", "filesystem", "blocks symlinks");
        row("prefix by component", R"({"trigger":"file_access","file":{"path":"/kbx/secret","operation":"read"}})", "block", "filesystem", "outside every rule");
        row("nul byte", R"({"trigger":"file_access","file":{"path":"/ws/a\u0000.txt","operation":"read"}})", "block", "filesystem", "NUL");
        row("zip bomb ratio", R"({"trigger":"file_access","file":{"path":"/ws/b.zip","operation":"write","size":1000,"expanded_size":1000000}})", "block", "filesystem", "100:1");
        row("zip ok", R"({"trigger":"file_access","file":{"path":"/ws/b.zip","operation":"write","size":1000,"expanded_size":50000}})", "allow", "none", "");
        // policy layer outcomes
        row("escalate", R"({"trigger":"file_access","file":{"path":"/ws/data.json","operation":"write","size":5000}})", "escalate", "policy", "");
        row("log", R"({"trigger":"data_output","output":"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789 and more"})", "log", "policy", "");
        row("error non-block skipped", R"({"trigger":"data_output","output":"SSN 123-45-6789"})", "redact", "policy", "");
    }

    void layeredPolicy()
    {
        QFETCH(QString, request);
        QFETCH(QString, outcome);
        QFETCH(QString, layer);
        QFETCH(QString, reasonPart);
        Session s(kLayered);
        const Decision d = s.decide(request.toStdString());
        QVERIFY2(test::outcome(d) == outcome && test::layer(d) == layer,
                 qPrintable(QString::fromStdString(d.toJson())));
        if (!reasonPart.isEmpty())
            QVERIFY2(QString::fromStdString(d.message).contains(reasonPart), qPrintable(QString::fromStdString(d.message)));
    }

    // Tools of an MCP server entry are "<entry>.<tool>": declared through
    // their entry, tool.server derived, the entry's cost per call counted;
    // the entry's own name is no tool.
    void mcpServerTools()
    {
        Session s("version: 1\nname: mcp\npolicies:\n"
                  "  - {name: no-sums, trigger: tool_call, condition: \"tool.server == 'everything' and tool.name == 'everything.get-sum'\", action: block}\n"
                  "  - {name: plain, trigger: tool_call, condition: 'tool.server == null', action: log}\n"
                  "tools:\n  - {name: everything, mcp: [node, server.js], cost_per_call: 0.5}\n  - {name: local, command: [x]}\n");
        QCOMPARE(s.decide(R"({"trigger":"tool_call","tool":{"name":"everything.echo"}})").outcome, Action::Allow);
        QCOMPARE(s.lastRequest().get(Var::ToolServer).toString(), std::string("everything"));
        QCOMPARE(s.state().totalCost(), 0.5);
        QCOMPARE(s.decide(R"({"trigger":"tool_call","tool":{"name":"everything.get-sum"}})").policy, std::string("no-sums"));
        const auto entry = s.decide(R"({"trigger":"tool_call","tool":{"name":"everything"}})");
        QCOMPARE(entry.outcome, Action::Block);
        QVERIFY(entry.message.find("not declared") != std::string::npos);
        QCOMPARE(s.decide(R"({"trigger":"tool_call","tool":{"name":"other.echo"}})").outcome, Action::Block);
        const auto local = s.decide(R"({"trigger":"tool_call","tool":{"name":"local"}})");
        QCOMPARE(local.policy, std::string("plain"));
        QVERIFY(s.lastRequest().get(Var::ToolServer).isNull());
        QVERIFY(QString::fromStdString(Request(s.lastRequest()).toJson()).count(QStringLiteral("\"tool\":")) == 1);
        s.decide(R"({"trigger":"tool_call","tool":{"name":"everything.echo","server":"everything"}})");
        QVERIFY(QString::fromStdString(s.lastRequest().toJson()).contains(QStringLiteral("\"server\":\"everything\"")));
    }

    void failClosedTrace()
    {
        Session s("version: 1\nname: fc\nnetwork:\n  default_policy: allow-all\n  dns_filtering: false\npolicies:\n"
                  "  - {name: bad-length, trigger: network_egress, condition: 'len(destination_region) > 100', action: block}\n"
                  "  - {name: bad-log, trigger: network_egress, condition: 'len(destination_region) > 100', action: log}\n");
        const auto d = s.decide(R"({"trigger":"network_egress","destination":{"host":"1.1.1.1","port":443}})");
        QCOMPARE(d.outcome, Action::Block);
        QCOMPARE(d.policy, std::string("bad-length"));
        const auto &t = d.trace.back();
        QVERIFY(t.isPolicy);
        QVERIFY(t.hasError());
        QVERIFY(t.failClosed);
        QVERIFY(t.matched);
        QVERIFY(QString::fromStdString(d.toJson()).contains(QStringLiteral("\"fail_closed\":true")));
    }

    void errorInNonBlockingPolicyCountsAsFalse()
    {
        Session s(kLayered);
        const auto d = s.decide(R"({"trigger":"data_output","output":"nothing sensitive"})");
        QCOMPARE(d.outcome, Action::Allow);
        bool sawBadLog = false;
        for (const auto &t : d.trace)
            if (t.policy == "bad-log") {
                sawBadLog = true;
                QVERIFY(!t.matched);
                QVERIFY(!t.failClosed);
                QVERIFY(t.hasError());
            }
        QVERIFY(sawBadLog);
    }

    void throttleAndDelay()
    {
        const auto doc = R"(version: 1
name: t
policies:
  - name: slow
    trigger: tool_call
    condition: tool.calls_in_last_minute >= 2
    action: throttle
    delay_seconds: 10
)";
        Session s(doc);
        QCOMPARE(s.decide(R"({"trigger":"tool_call","ts":0,"tool":{"name":"a"}})").outcome, Action::Allow);
        QCOMPARE(s.decide(R"({"trigger":"tool_call","ts":1,"tool":{"name":"a"}})").outcome, Action::Allow);
        const auto d = s.decide(R"({"trigger":"tool_call","ts":2,"tool":{"name":"a"}})");
        QCOMPARE(d.outcome, Action::Throttle);
        QCOMPARE(d.delaySeconds.value(), 10.0);
        QVERIFY(QString::fromStdString(d.toJson()).contains(QStringLiteral("\"delay_seconds\":10")));
        // Another tool has its own count; and a minute later the window is empty.
        QCOMPARE(s.decide(R"({"trigger":"tool_call","ts":3,"tool":{"name":"b"}})").outcome, Action::Allow);
        QCOMPARE(s.decide(R"({"trigger":"tool_call","ts":70,"tool":{"name":"a"}})").outcome, Action::Allow);
    }

    void rateLimitCountsOnlyAllowed()
    {
        Session s(kLayered);
        const char *mail = R"({"trigger":"network_egress","ts":%1,"tool":{"name":"mailer"},"destination":{"host":"smtp.example.com","port":587,"protocol":"smtp"}})";
        auto at = [&](int ts) { return s.decide(QString::fromLatin1(mail).arg(ts).toStdString()); };
        QCOMPARE(at(0).outcome, Action::Allow);
        QCOMPARE(at(10).outcome, Action::Allow);
        const auto third = at(20);
        QCOMPARE(third.outcome, Action::Block);
        QVERIFY(QString::fromStdString(third.message).contains(QStringLiteral("rate limit 2/minute")));
        QCOMPARE(at(30).outcome, Action::Block); // refused ones do not use the window up further...
        QCOMPARE(at(61).outcome, Action::Allow); // ...so the window frees as soon as the first leaves it
        QCOMPARE(at(65).outcome, Action::Block);
    }

    void totalSizeAcrossSession()
    {
        Session s(kLayered);
        const char *w = R"({"trigger":"file_access","file":{"path":"/ws/%1.txt","operation":"write","size":900000}})";
        auto write = [&](const char *n) { return s.decide(QString::fromLatin1(w).arg(QLatin1StringView(n)).toStdString()); };
        QCOMPARE(write("a").outcome, Action::Allow);
        QCOMPARE(write("b").outcome, Action::Allow);
        QCOMPARE(write("c").outcome, Action::Block); // 2.7 MB > 2 MB
        QCOMPARE(write("a").outcome, Action::Allow); // rewriting a keeps the total
        QCOMPARE(s.decide(R"({"trigger":"file_access","file":{"path":"/ws/b.txt","operation":"delete"}})").outcome, Action::Allow);
        QCOMPARE(write("c").outcome, Action::Allow);
    }

    void exactRuleWinsOverEarlierPattern()
    {
        Session s("version: 1\nname: x\nnetwork:\n  hosts: {db.local: 127.0.0.9}\n  rules:\n"
                  "    - {tool: t, allowed_hosts: [127.0.0.0/8], allowed_ports: [5432], protocol: tcp}\n"
                  "    - {tool: t, allowed_hosts: [db.local], allowed_ports: [5432], protocol: tcp}\n");
        const auto d = s.decide(R"({"trigger":"network_egress","tool":{"name":"t"},"destination":{"host":"db.local","port":5432,"protocol":"tcp"}})");
        QCOMPARE(d.outcome, Action::Allow);
        QCOMPARE(d.trace.back().rule, 1);
        // Through the pattern alone, the loopback address stays refused.
        const auto p = s.decide(R"({"trigger":"network_egress","tool":{"name":"t"},"destination":{"host":"127.0.0.9","port":5432,"protocol":"tcp"}})");
        QCOMPARE(p.outcome, Action::Block);
    }

    // Before a name is looked up, only what the address cannot change may
    // refuse it: policies up to the first one that reads destination.ip or
    // destination_region.
    void refusalWithoutAddress()
    {
        Session s("version: 1\nname: r\nnetwork:\n  rules:\n"
                  "    - {tool: '*', allowed_hosts: ['*.cdn.test'], allowed_ports: [443]}\n"
                  "policies:\n"
                  "  - {name: long-number, trigger: network_egress, condition: \"matches(destination.host, '[0-9]{12,}')\", action: block}\n"
                  "  - {name: watch-log, trigger: network_egress, condition: \"starts_with(destination.host, 'log.')\", action: log}\n"
                  "  - {name: by-ip, trigger: network_egress, condition: \"destination.ip == '203.0.113.9'\", action: allow}\n"
                  "  - {name: after-ip, trigger: network_egress, condition: \"starts_with(destination.host, 'x.')\", action: block}\n");
        const DecisionEngine &e = s.engine();
        auto before = [&](const std::string &host, int port = 443) {
            std::string err;
            auto r = Request::fromJson(R"({"trigger":"network_egress","destination":{"host":")" + host
                                           + R"(","port":)" + std::to_string(port) + "}}",
                                       err);
            e.derive(*r, s.state());
            return e.refusalWithoutAddress(*r, s.state());
        };
        const auto exfil = before("4111111111111111.cdn.test");
        QVERIFY(exfil);
        QCOMPARE(exfil->policy, std::string("long-number"));
        const auto rule = before("other.test");
        QVERIFY(rule);
        QCOMPARE(rule->layer, Layer::Network);
        QVERIFY(before("a.cdn.test", 80)); // port: no rule
        QVERIFY(!before("log.cdn.test")); // a policy that proceeds: look it up
        QVERIFY(!before("x.cdn.test"));   // after-ip is behind by-ip, which might allow
        // With the address, the full decision is the one that counts.
        QCOMPARE(s.decide(R"({"trigger":"network_egress","destination":{"host":"x.cdn.test","ip":"203.0.113.9","port":443}})").policy,
                 std::string("by-ip"));
        QCOMPARE(s.decide(R"({"trigger":"network_egress","destination":{"host":"x.cdn.test","ip":"198.51.100.1","port":443}})").policy,
                 std::string("after-ip"));
    }

    void networkDisabled()
    {
        Session s("version: 1\nname: n\nsandbox: {allow_network: false}\nnetwork:\n  default_policy: allow-all\n");
        const auto d = s.decide(R"({"trigger":"network_egress","destination":{"host":"1.1.1.1","port":443}})");
        QCOMPARE(d.outcome, Action::Block);
        QCOMPARE(d.layer, Layer::Sandbox);
        QCOMPARE(d.trace.size(), size_t(1));
    }

    void allowAllStillBlocksPrivate()
    {
        Session s("version: 1\nname: n\nnetwork:\n  default_policy: allow-all\n  dns_filtering: false\n");
        QCOMPARE(s.decide(R"({"trigger":"network_egress","destination":{"host":"8.8.8.8","port":53,"protocol":"tcp"}})").outcome, Action::Allow);
        QCOMPARE(s.decide(R"({"trigger":"network_egress","destination":{"host":"192.168.0.1","port":80,"protocol":"http"}})").outcome, Action::Block);
        QCOMPARE(s.decide(R"({"trigger":"network_egress","destination":{"host":"x.test","ip":"::ffff:10.0.0.1","port":80,"protocol":"http"}})").outcome, Action::Block);
    }

    void dnsFilteringUnderAllowAll()
    {
        Session s("version: 1\nname: n\nnetwork:\n  default_policy: allow-all\n");
        const auto d = s.decide(R"({"trigger":"network_egress","destination":{"host":"exfil.attacker.test","port":443}})");
        QCOMPARE(d.outcome, Action::Block);
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("dns_filtering")));
    }

    void filesystemDisabled()
    {
        Session s("version: 1\nname: f\nsandbox: {allow_filesystem: false}\nfilesystem:\n  rules: [{path: /data, permissions: read}]\n");
        QCOMPARE(s.decide(R"({"trigger":"file_access","file":{"path":"/data/x","operation":"read"}})").layer, Layer::Sandbox);
        QCOMPARE(s.decide(R"({"trigger":"file_access","file":{"path":"/agent/workspace/x","operation":"write"}})").outcome, Action::Allow);
    }

    void redactToolArgs()
    {
        Session s("version: 1\nname: r\npolicies:\n  - {name: r, trigger: tool_call, condition: 'contains_pii(tool.args.body)', action: redact}\n");
        const auto d = s.decide(R"({"trigger":"tool_call","tool":{"name":"email_send","args":{"to":"x","body":"my ssn is 123-45-6789"}}})");
        QCOMPARE(d.outcome, Action::Redact);
        QCOMPARE(QString::fromStdString(d.output.value()), QStringLiteral(R"({"body":"my ssn is [REDACTED:ssn]","to":"x"})"));
    }

    // Redaction walks lists, maps and numbers, changes only the strings that
    // hold PII, and fails closed: a redact policy whose condition fails still
    // redacts, and what cannot be redacted is blocked.
    void redaction_data()
    {
        QTest::addColumn<QString>("policies");
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<QString>("output"); // empty: no output
        QTest::addColumn<QString>("messagePart");
        const auto row = [](const char *name, const char *policies, const char *req, const char *out,
                            const char *output, const char *messagePart = "") {
            QTest::newRow(name) << QString::fromUtf8(policies) << QString::fromUtf8(req) << QString::fromLatin1(out)
                                << QString::fromUtf8(output) << QString::fromUtf8(messagePart);
        };
        const char *noteRedact = "  - {name: r, trigger: tool_call, condition: 'contains_pii(tool.args.note)', action: redact}\n";
        row("card in a list", noteRedact,
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"note":["4111 1111 1111 1111","hi"],"n":3}}})",
            "redact", R"({"n":3,"note":["[REDACTED:credit_card]","hi"]})");
        row("card as a number", noteRedact, R"({"trigger":"tool_call","tool":{"name":"t","args":{"note":4111111111111111}}})",
            "redact", R"({"note":"[REDACTED:credit_card]"})");
        row("nested maps", "  - {name: r, trigger: tool_call, condition: 'contains_pii(tool.args.a)', action: redact}\n",
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"a":{"b":[{"c":"ssn 123-45-6789","d":1.5}]},"flag":true,"x":null}}})",
            "redact", R"({"a":{"b":[{"c":"ssn [REDACTED:ssn]","d":1.5}]},"flag":true,"x":null})");
        row("pii in a key", "  - {name: r, trigger: tool_call, condition: 'contains_pii(tool.args.by_mail)', action: redact}\n",
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"by_mail":{"a@example.com":2}}}})", "redact",
            R"({"by_mail":{"[REDACTED:email]":2}})");
        // Only the argument holding PII of the policy's types changes.
        row("ip in code stays (credit_card only)",
            "  - {name: r, trigger: tool_call, condition: 'contains_pii(tool.args.card)', action: redact, pii_types: [credit_card]}\n",
            R"J({"trigger":"tool_call","tool":{"name":"t","args":{"code":"connect('10.0.0.1')","card":"4111 1111 1111 1111"}}})J",
            "redact", R"J({"card":"[REDACTED:credit_card]","code":"connect('10.0.0.1')"})J");
        row("all types: only strings with pii change",
            "  - {name: r, trigger: tool_call, condition: 'contains_pii(tool.args.card)', action: redact}\n",
            R"J({"trigger":"tool_call","tool":{"name":"t","args":{"code":"connect('10.0.0.1')","card":"4111 1111 1111 1111","note":"hello","n":12,"ok":false}}})J",
            "redact", R"J({"card":"[REDACTED:credit_card]","code":"connect('[REDACTED:ip_address]')","n":12,"note":"hello","ok":false})J");
        row("missing text is no pii", noteRedact, R"({"trigger":"tool_call","tool":{"name":"t","args":{"n":1}}})", "allow", "");
        row("clean list passes a block policy",
            "  - {name: b, trigger: tool_call, condition: 'contains_pii(tool.args.note)', action: block}\n",
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"note":["hello",42]}}})", "allow", "");
        row("card in a list is blocked",
            "  - {name: b, trigger: tool_call, condition: 'contains_pii(tool.args.note)', action: block}\n",
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"note":[["x","4111-1111-1111-1111"]]}}})", "block", "");
        // Evaluation errors fail closed for redact.
        const char *failingRedact
            = "  - {name: r, trigger: tool_call, condition: 'len(tool.args.missing) > 0 or contains_pii(tool.args.body)', action: redact}\n";
        row("failing condition redacts", failingRedact,
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"body":"ssn 123-45-6789","n":2}}})", "redact",
            R"({"body":"ssn [REDACTED:ssn]","n":2})", "fail-closed");
        row("failing condition, later allow: still redacted",
            (std::string(failingRedact) + "  - {name: a, trigger: tool_call, condition: 'true', action: allow}\n").c_str(),
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"body":"ssn 123-45-6789"}}})", "redact",
            R"({"body":"ssn [REDACTED:ssn]"})", "fail-closed");
        row("failing condition does not skip a later block",
            (std::string(failingRedact) + "  - {name: b, trigger: tool_call, condition: \"tool.name == 'rm'\", action: block}\n").c_str(),
            R"({"trigger":"tool_call","tool":{"name":"rm","args":{"body":"x"}}})", "block", "", "Blocked by policy 'b'");
        row("failing condition, later redact: both types",
            "  - {name: r, trigger: tool_call, condition: 'len(tool.args.missing) > 0', action: redact, pii_types: [ssn]}\n"
            "  - {name: r2, trigger: tool_call, condition: 'true', action: redact, pii_types: [email]}\n",
            R"({"trigger":"tool_call","tool":{"name":"t","args":{"a":"123-45-6789 a@example.com 10.0.0.1"}}})", "redact",
            R"({"a":"[REDACTED:ssn] [REDACTED:email] 10.0.0.1"})");
        row("failing condition on output",
            "  - {name: r, trigger: data_output, condition: 'len(tool.name) > 0 and contains_pii(output)', action: redact}\n",
            R"({"trigger":"data_output","output":"card 4111 1111 1111 1111"})", "redact", "card [REDACTED:credit_card]",
            "fail-closed");
        row("response", "  - {name: r, trigger: agent_response, condition: 'contains_pii(response)', action: redact}\n",
            R"({"trigger":"agent_response","response":"mail a@example.com"})", "redact", "mail [REDACTED:email]");
        // Nothing to rewrite: blocked rather than let through unredacted.
        row("egress cannot be redacted", "  - {name: r, trigger: network_egress, condition: 'true', action: redact}\n",
            R"({"trigger":"network_egress","destination":{"host":"1.1.1.1","port":443}})", "block", "",
            "no text that can be redacted");
        row("file access cannot be redacted", "  - {name: r, trigger: file_access, condition: 'true', action: redact}\n",
            R"({"trigger":"file_access","file":{"path":"/agent/workspace/a.txt","operation":"write","size":1}})", "block",
            "", "no text that can be redacted");
        std::string deep;
        for (int i = 0; i < 70; ++i)
            deep += '[';
        deep += "\"4111 1111 1111 1111\"";
        for (int i = 0; i < 70; ++i)
            deep += ']';
        row("too deep to redact is blocked", failingRedact,
            (R"({"trigger":"tool_call","tool":{"name":"t","args":{"x":)" + deep + "}}}").c_str(), "block", "",
            "redaction failed");
    }

    void redaction()
    {
        QFETCH(QString, policies);
        QFETCH(QString, request);
        QFETCH(QString, outcome);
        QFETCH(QString, output);
        QFETCH(QString, messagePart);
        Session s("version: 1\nname: r\nnetwork:\n  default_policy: allow-all\n  dns_filtering: false\npolicies:\n"
                  + policies.toStdString());
        const Decision d = s.decide(request.toStdString());
        const QString json = QString::fromStdString(d.toJson());
        QVERIFY2(test::outcome(d) == outcome, qPrintable(json));
        QVERIFY2(d.output.has_value() == !output.isEmpty(), qPrintable(json));
        if (d.output)
            QCOMPARE(QString::fromStdString(*d.output), output);
        QVERIFY2(QString::fromStdString(d.message).contains(messagePart), qPrintable(json));
    }

    void failedRedactionTrace()
    {
        Session s("version: 1\nname: r\npolicies:\n"
                  "  - {name: r, trigger: data_output, condition: 'len(tool.name) > 0 and contains_pii(output)', action: redact}\n");
        const auto d = s.decide(R"({"trigger":"data_output","output":"card 4111 1111 1111 1111"})");
        QCOMPARE(d.outcome, Action::Redact);
        QCOMPARE(d.policy, std::string("r"));
        const auto &t = d.trace.back();
        QVERIFY(t.hasError());
        QVERIFY(t.failClosed);
        QVERIFY(t.matched);
        QVERIFY2(QString::fromStdString(t.detail).contains(QStringLiteral("redacted")), t.detail.c_str());
        QVERIFY(QString::fromStdString(d.toJson()).contains(QStringLiteral("\"fail_closed\":true")));
    }

    void failedRedactionThenEscalationIsReleasedRedacted()
    {
        // A redact that failed closed, then an escalation: what a human
        // approves must go out redacted, not as the agent sent it.
        Session s("version: 1\nname: r\ntools:\n  - {name: email_send, command: [x]}\npolicies:\n"
                  "  - {name: r, trigger: tool_call, condition: 'len(tool.args.missing) > 0', action: redact}\n"
                  "  - {name: e, trigger: tool_call, condition: \"tool.name == 'email_send'\", action: escalate}\n");
        const auto d = s.decide(R"({"trigger":"tool_call","tool":{"name":"email_send","args":{"body":"card 4111 1111 1111 1111"}}})");
        QCOMPARE(d.outcome, Action::Escalate);
        QCOMPARE(d.policy, std::string("e"));
        QVERIFY(d.output);
        QVERIFY2(d.output->find("4111") == std::string::npos, d.output->c_str());
        QVERIFY2(d.output->find("[REDACTED:credit_card]") != std::string::npos, d.output->c_str());
    }

    void firstMatchWins()
    {
        Session s("version: 1\nname: f\npolicies:\n"
                  "  - {name: a, trigger: tool_call, condition: \"tool.name == 'x'\", action: log}\n"
                  "  - {name: b, trigger: tool_call, condition: \"true\", action: block}\n");
        QCOMPARE(s.decide(R"({"trigger":"tool_call","tool":{"name":"x"}})").policy, std::string("a"));
        QCOMPARE(s.decide(R"({"trigger":"tool_call","tool":{"name":"y"}})").policy, std::string("b"));
        // Policies of other triggers are not consulted.
        QCOMPARE(s.decide(R"({"trigger":"agent_response","response":"r"})").outcome, Action::Allow);
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("not json") << QStringLiteral("{nope") << QStringLiteral("invalid JSON");
        QTest::newRow("array") << QStringLiteral("[1]") << QStringLiteral("object");
        QTest::newRow("no trigger") << QStringLiteral("{}") << QStringLiteral("trigger");
        QTest::newRow("bad trigger") << QStringLiteral(R"({"trigger":"x"})") << QStringLiteral("unknown trigger");
        QTest::newRow("no tool") << QStringLiteral(R"({"trigger":"tool_call"})") << QStringLiteral("tool.name");
        QTest::newRow("typo field") << QStringLiteral(R"({"trigger":"tool_call","tool":{"name":"a"},"sesion":{}})") << QStringLiteral("unknown field 'sesion'");
        QTest::newRow("bad type") << QStringLiteral(R"({"trigger":"tool_call","tool":{"name":5}})") << QStringLiteral("tool.name");
        QTest::newRow("bad port") << QStringLiteral(R"({"trigger":"network_egress","destination":{"host":"a","port":70000}})") << QStringLiteral("port");
        QTest::newRow("bad op") << QStringLiteral(R"({"trigger":"file_access","file":{"path":"/a","operation":"chmod"}})") << QStringLiteral("operation");
        QTest::newRow("neg cost") << QStringLiteral(R"({"trigger":"tool_call","tool":{"name":"a"},"cost":-1})") << QStringLiteral("cost");
    }

    void malformedRequests()
    {
        QFETCH(QString, json);
        QFETCH(QString, errorPart);
        std::string err;
        QVERIFY(!Request::fromJson(json.toStdString(), err));
        QVERIFY2(QString::fromStdString(err).contains(errorPart), err.c_str());
    }

    void requestJsonRoundTrip()
    {
        const std::string in = R"({"trigger":"network_egress","ts":3.5,"cost":0.25,"tool":{"name":"fetcher"},"session":{"total_cost":1.5},"destination":{"host":"a.example.com","port":443,"protocol":"https"},"request":{"bytes":12}})";
        std::string err;
        const auto r = Request::fromJson(in, err);
        QVERIFY(r);
        const auto again = Request::fromJson(r->toJson(), err);
        QVERIFY2(again, (r->toJson() + " " + err).c_str());
        QCOMPARE(again->toJson(), r->toJson());
        QCOMPARE(again->get(Var::DestinationPort).toInt(), 443);
        QCOMPARE(again->cost, 0.25);
    }
};

QTEST_GUILESS_MAIN(TstDecisionEngine)
#include "tst_decisionengine.moc"
