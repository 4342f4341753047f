// The semantic policy diff: every kind of change, its effect and its
// sentence; reorders with first-match and exact-name precedence; identical
// and reformatted documents; documents with errors; text and JSON output.

#include "diff/semanticdiff.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace osh;
using namespace osh::diff;

namespace {

QString dumpDiff(const SemanticDiff &d)
{
    return QString::fromStdString(formatSemanticDiff(d, false));
}

SemanticDiff diffOf(const std::string &before, const std::string &after)
{
    const auto r = semanticDiffTexts(before, "before.yaml", after, "after.yaml");
    std::string diags;
    for (const auto &d : r.diagnostics)
        diags += d.format() + "\n";
    if (!r.diff) {
        qWarning("unexpected load failure:\n%s", diags.c_str());
        return {};
    }
    return *r.diff;
}

// The changes of a section (and kind) whose sentence contains every word.
std::vector<Change> find(const SemanticDiff &d, Section s, std::optional<ChangeKind> kind, std::initializer_list<const char *> words)
{
    std::vector<Change> out;
    for (const Change &c : d.changes) {
        if (c.section != s || (kind && c.kind != *kind))
            continue;
        bool all = true;
        for (const char *w : words)
            all = all && c.sentence.find(w) != std::string::npos;
        if (all)
            out.push_back(c);
    }
    return out;
}

const std::string kHead = "version: 1\nname: demo\n";

} // namespace

Q_DECLARE_METATYPE(osh::diff::Effect)

class TstSemanticDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identicalDocumentsHaveNoChanges()
    {
        QFile f(QStringLiteral(OSH_TEST_DATA_DIR "/seed/production.policy.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const std::string text = f.readAll().toStdString();
        const SemanticDiff d = diffOf(text, text);
        QVERIFY2(d.empty(), qPrintable(dumpDiff(d)));
        QCOMPARE(d.summary(), std::string("no changes"));
        QCOMPARE(formatSemanticDiff(d, false), std::string("No semantic changes.\n"));
    }

    void reformattingIsNoChange()
    {
        const std::string a = kHead + "sandbox:\n  max_memory_mb: 1024\npolicies:\n  - name: p\n    trigger: tool_call\n"
                                      "    condition: session.total_cost > 5\n    action: block\n";
        const std::string b = kHead + "# a comment\nsandbox: {max_memory_mb: 1024}\npolicies:\n\n  - {name: p, trigger: tool_call,"
                                      " condition: 'session.total_cost > 5', action: BLOCK}\n";
        const SemanticDiff d = diffOf(a, b);
        QVERIFY2(d.empty(), qPrintable(dumpDiff(d)));
    }

    void sandbox_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("key");
        QTest::addColumn<Effect>("effect");
        QTest::newRow("more memory") << "max_memory_mb: 2048" << "max_memory_mb: 4096" << "max_memory_mb" << Effect::Looser;
        QTest::newRow("less time") << "max_execution_time_seconds: 300" << "max_execution_time_seconds: 60"
                                   << "max_execution_time_seconds" << Effect::Stricter;
        QTest::newRow("more processes") << "max_processes: 10" << "max_processes: 11" << "max_processes" << Effect::Looser;
        QTest::newRow("fewer cores") << "max_cpu_cores: 2" << "max_cpu_cores: 0.5" << "max_cpu_cores" << Effect::Stricter;
        QTest::newRow("gvisor to container") << "isolation: gvisor" << "isolation: container" << "isolation" << Effect::Looser;
        QTest::newRow("container to firecracker") << "isolation: container" << "isolation: firecracker" << "isolation"
                                                  << Effect::Stricter;
        QTest::newRow("gvisor to firecracker") << "isolation: gvisor" << "isolation: firecracker" << "isolation" << Effect::Unknown;
        QTest::newRow("network off") << "allow_network: true" << "allow_network: false" << "allow_network" << Effect::NewlyBlocked;
        QTest::newRow("filesystem on") << "allow_filesystem: false" << "allow_filesystem: true" << "allow_filesystem"
                                       << Effect::NewlyAllowed;
        QTest::newRow("keep data") << "cleanup_policy: destroy" << "cleanup_policy: preserve" << "cleanup_policy" << Effect::Looser;
    }

    void sandbox()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QString, key);
        QFETCH(Effect, effect);
        const SemanticDiff d = diffOf(kHead + "sandbox:\n  " + before.toStdString() + "\n", kHead + "sandbox:\n  " + after.toStdString() + "\n");
        QCOMPARE(d.changes.size(), size_t(1));
        const Change &c = d.changes.front();
        QCOMPARE(c.section, Section::Sandbox);
        QCOMPARE(c.kind, ChangeKind::Changed);
        QCOMPARE(QString::fromStdString(c.key), key);
        QCOMPARE(c.effect, effect);
        QCOMPARE(c.afterPos.line, 4);
        QVERIFY(c.sentence.find(before.section(QLatin1Char(' '), 1).toStdString() + " to " + after.section(QLatin1Char(' '), 1).toStdString())
                != std::string::npos);
    }

    void networkHostAdded()
    {
        const std::string rule = "network:\n  rules:\n    - tool: web_search\n      allowed_hosts: [";
        const SemanticDiff d = diffOf(kHead + rule + "docs.example.com]\n", kHead + rule + "docs.example.com, api.example.com]\n");
        const auto changed = find(d, Section::Network, ChangeKind::Changed, {"allowed_hosts", "adds [api.example.com]"});
        QCOMPARE(changed.size(), size_t(1));
        QCOMPARE(changed[0].effect, Effect::Looser);
        const auto now = find(d, Section::Network, ChangeKind::Consequence, {"Tool 'web_search' may now reach api.example.com on port 443 (https)"});
        QVERIFY2(now.size() == 1, qPrintable(dumpDiff(d)));
        QCOMPARE(now[0].effect, Effect::NewlyAllowed);
        QCOMPARE(now[0].afterPos.line, 5);
        // Nothing else changed for docs.example.com.
        QVERIFY(find(d, Section::Network, ChangeKind::Consequence, {"docs.example.com"}).empty());

        // A wildcard for every tool, then a rule for the agent: only the agent gains.
        const std::string any = kHead + "network:\n  rules:\n    - tool: '*'\n      allowed_hosts: ['*.example.com']\n";
        const SemanticDiff agent = diffOf(any, any + "    - tool: agent\n      allowed_hosts: [api.other.org]\n      allowed_ports: [80]\n      protocol: http\n");
        const auto gained = find(agent, Section::Network, ChangeKind::Consequence, {});
        QVERIFY2(gained.size() == 1, qPrintable(dumpDiff(agent)));
        QCOMPARE(gained[0].sentence, std::string("The agent may now reach api.other.org on port 80 (http), by rule 2."));
        QCOMPARE(gained[0].effect, Effect::NewlyAllowed);
    }

    void networkRuleRemovedAndDefault()
    {
        const std::string before = kHead + "network:\n  rules:\n    - tool: '*'\n      allowed_hosts: [api.example.com]\n      allowed_ports: [443, 8443]\n";
        const SemanticDiff d = diffOf(before, kHead + "network:\n  rules: []\n");
        QCOMPARE(find(d, Section::Network, ChangeKind::Removed, {"network rule 1 (*)"}).size(), size_t(1));
        const auto lost = find(d, Section::Network, ChangeKind::Consequence,
                               {"may no longer reach api.example.com on ports 443, 8443 (https)", "deny-all"});
        QVERIFY2(lost.size() == 1, qPrintable(dumpDiff(d)));
        QVERIFY(lost[0].sentence.rfind("Any tool without a rule of its own", 0) == 0);
        QVERIFY(lost[0].sentence.find('\x1f') == std::string::npos);
        for (const auto &c : lost)
            QCOMPARE(c.effect, Effect::NewlyBlocked);

        const SemanticDiff open = diffOf(kHead + "network:\n  default_policy: deny-all\n", kHead + "network:\n  default_policy: allow-all\n");
        const auto dp = find(open, Section::Network, ChangeKind::Changed, {"default_policy", "now allowed"});
        QCOMPARE(dp.size(), size_t(1));
        QCOMPARE(dp[0].effect, Effect::NewlyAllowed);

        const SemanticDiff priv = diffOf(kHead, kHead + "network:\n  block_private_ranges: false\n");
        QCOMPARE(priv.changes.size(), size_t(1));
        QCOMPARE(priv.changes[0].effect, Effect::NewlyAllowed);
    }

    void networkReorderFirstMatch()
    {
        // Two patterns for the same host: the first decides, so swapping them
        // changes which rate limit applies.
        const std::string slow = "    - tool: web_search\n      allowed_hosts: ['*.example.com']\n      rate_limit: 1/minute\n";
        const std::string fast = "    - tool: web_search\n      allowed_hosts: ['*.example.com']\n      rate_limit: 100/minute\n";
        const std::string head = kHead + "network:\n  rules:\n";
        const SemanticDiff d = diffOf(head + slow + fast, head + fast + slow);
        QVERIFY2(!find(d, Section::Network, ChangeKind::Moved, {"from position"}).empty(), qPrintable(dumpDiff(d)));
        // The deciding rule is now the 100/minute one.
        const auto looser = find(d, Section::Network, ChangeKind::Consequence,
                                 {"Tool 'web_search' reaching hosts under *.example.com on port 443 (https) is now decided by rule 1 "
                                  "(rate limit 100/minute", "instead of the rule now at position 2 (rate limit 1/minute"});
        QVERIFY2(looser.size() == 1, qPrintable(dumpDiff(d)));
        QCOMPARE(looser[0].effect, Effect::Looser);
        // Swapped back: stricter.
        const SemanticDiff back = diffOf(head + fast + slow, head + slow + fast);
        QCOMPARE(find(back, Section::Network, ChangeKind::Consequence, {"rate limit 1/minute"}).at(0).effect, Effect::Stricter);
    }

    void networkReorderExactNameWins()
    {
        // An exact name beats an earlier pattern whatever the order: swapping
        // these rules moves text but changes no decision.
        const std::string pattern = "    - tool: web_search\n      allowed_hosts: ['*.example.com']\n      rate_limit: 1/minute\n";
        const std::string exact = "    - tool: web_search\n      allowed_hosts: [api.example.com]\n";
        const std::string head = kHead + "network:\n  rules:\n";
        const SemanticDiff d = diffOf(head + pattern + exact, head + exact + pattern);
        QVERIFY(!find(d, Section::Network, ChangeKind::Moved, {}).empty());
        QVERIFY2(find(d, Section::Network, ChangeKind::Consequence, {}).empty(), qPrintable(dumpDiff(d)));
    }

    void networkRuleKeys()
    {
        const std::string head = kHead + "network:\n  rules:\n    - tool: mailer\n      allowed_hosts: [smtp.example.com]\n";
        const SemanticDiff d = diffOf(head + "      allowed_ports: [465]\n      protocol: smtp\n      rate_limit: 10/hour\n",
                                      head + "      allowed_ports: [465, 587]\n      protocol: smtp\n      rate_limit: 10/minute\n");
        const auto ports = find(d, Section::Network, ChangeKind::Changed, {"allowed_ports"});
        QCOMPARE(ports.size(), size_t(1));
        QCOMPARE(ports[0].effect, Effect::Looser);
        const auto rate = find(d, Section::Network, ChangeKind::Changed, {"rate_limit", "10/hour", "10/minute"});
        QCOMPARE(rate.size(), size_t(1));
        QCOMPARE(rate[0].effect, Effect::Looser);
        QCOMPARE(find(d, Section::Network, ChangeKind::Consequence, {"Tool 'mailer' may now reach smtp.example.com on port 587 (smtp)"}).size(),
                 size_t(1));
    }

    void filesystem()
    {
        const std::string head = kHead + "filesystem:\n  rules:\n    - path: /agent/workspace/kb\n      permissions: ";
        const SemanticDiff d = diffOf(head + "read\n", head + "read-write\n");
        const auto perm = find(d, Section::Filesystem, ChangeKind::Changed, {"permissions", "read to read-write"});
        QCOMPARE(perm.size(), size_t(1));
        QCOMPARE(perm[0].effect, Effect::Looser);
        const auto write = find(d, Section::Filesystem, ChangeKind::Consequence, {"may now write files below /agent/workspace/kb"});
        QVERIFY2(write.size() == 1, qPrintable(dumpDiff(d)));
        QCOMPARE(write[0].effect, Effect::NewlyAllowed);

        // A read-only rule added inside the read-write workspace restricts.
        const SemanticDiff added = diffOf(kHead, head + "read\n");
        QCOMPARE(find(added, Section::Filesystem, ChangeKind::Added, {"read rule for /agent/workspace/kb"}).size(), size_t(1));
        const auto blocked = find(added, Section::Filesystem, ChangeKind::Consequence, {"may no longer write files below /agent/workspace/kb: the rule for /agent/workspace/kb is read-only."});
        QVERIFY2(blocked.size() == 1, qPrintable(dumpDiff(added)));
        QCOMPARE(blocked[0].effect, Effect::NewlyBlocked);
        QVERIFY(find(added, Section::Filesystem, ChangeKind::Consequence, {"read files"}).empty());

        // Outside the workspace, the same rule grants reading.
        const std::string outside = kHead + "filesystem:\n  rules:\n    - path: /data\n      permissions: read\n";
        const SemanticDiff granted = diffOf(kHead, outside);
        const auto read = find(granted, Section::Filesystem, ChangeKind::Consequence, {"may now read files below /data"});
        QVERIFY2(read.size() == 1, qPrintable(dumpDiff(granted)));

        const SemanticDiff strict = diffOf(kHead, kHead + "filesystem:\n  strict_path_validation: false\n");
        QCOMPARE(find(strict, Section::Filesystem, ChangeKind::Changed, {"strict_path_validation"}).at(0).effect, Effect::NewlyAllowed);
    }

    void tools()
    {
        const std::string a = kHead + "tools:\n  - name: search\n    command: [search]\n    timeout_seconds: 30\n";
        const std::string b = kHead + "tools:\n  - name: search\n    command: [search]\n    timeout_seconds: 60\n"
                                      "  - name: email_send\n    command: [mail]\n";
        const SemanticDiff d = diffOf(a, b);
        const auto added = find(d, Section::Tools, ChangeKind::Added, {"'email_send'", "now lets the agent call it"});
        QCOMPARE(added.size(), size_t(1));
        QCOMPARE(added[0].effect, Effect::NewlyAllowed);
        QCOMPARE(added[0].afterPos.line, 7);
        QCOMPARE(find(d, Section::Tools, ChangeKind::Changed, {"timeout_seconds"}).at(0).effect, Effect::Looser);

        const SemanticDiff removed = diffOf(b, a);
        QCOMPARE(find(removed, Section::Tools, ChangeKind::Removed, {"'email_send'", "refuses"}).at(0).effect, Effect::NewlyBlocked);

        // The first declared tool closes the door on every undeclared one.
        const SemanticDiff gate = diffOf(kHead, a);
        QCOMPARE(find(gate, Section::Tools, ChangeKind::Changed, {"every undeclared tool"}).at(0).effect, Effect::NewlyBlocked);
        QCOMPARE(find(gate, Section::Tools, ChangeKind::Added, {"'search'"}).at(0).effect, Effect::Neutral);
    }

    void piiTypes()
    {
        const std::string head = kHead + "policies:\n  - name: pii\n    trigger: data_output\n    condition: contains_pii(output)\n";
        const SemanticDiff more = diffOf(head + "    action: redact\n    pii_types: [ssn]\n", head + "    action: redact\n    pii_types: [ssn, email]\n");
        QCOMPARE(more.changes.size(), size_t(1));
        QCOMPARE(more.changes[0].section, Section::Pii);
        QCOMPARE(more.changes[0].effect, Effect::Stricter);
        QCOMPARE(more.changes[0].after, std::string("[ssn, email]"));
        const SemanticDiff fewer = diffOf(head + "    action: redact\n", head + "    action: redact\n    pii_types: [ssn]\n");
        QCOMPARE(fewer.changes.at(0).effect, Effect::Looser);
        QCOMPARE(fewer.changes.at(0).before, std::string("all"));
        // A block that depends on contains_pii: cannot tell in general.
        const SemanticDiff block = diffOf(head + "    action: block\n    pii_types: [ssn]\n", head + "    action: block\n    pii_types: [email]\n");
        QCOMPARE(block.changes.at(0).effect, Effect::Unknown);
        QVERIFY(block.changes.at(0).sentence.find("effect depends on the condition") != std::string::npos);
    }

    void policyAddedRemoved()
    {
        const std::string block = "  - name: cost-limit\n    trigger: tool_call\n    condition: session.total_cost > 5\n    action: block\n";
        const std::string allow = "  - name: vip\n    trigger: tool_call\n    condition: tool.name == 'lookup'\n    action: allow\n";
        const SemanticDiff added = diffOf(kHead + "policies:\n" + allow, kHead + "policies:\n" + allow + block);
        const auto a = find(added, Section::Policies, ChangeKind::Added, {"'cost-limit'", "position 2", "now blocked"});
        QVERIFY2(a.size() == 1, qPrintable(dumpDiff(added)));
        QCOMPARE(a[0].effect, Effect::NewlyBlocked);
        QCOMPARE(a[0].afterPos.line, 8);

        const SemanticDiff removed = diffOf(kHead + "policies:\n" + allow + block, kHead + "policies:\n" + allow);
        QCOMPARE(find(removed, Section::Policies, ChangeKind::Removed, {"'cost-limit'"}).at(0).effect, Effect::NewlyAllowed);

        // An allow in front of a block lets through what the block caught.
        const SemanticDiff shadow = diffOf(kHead + "policies:\n" + block, kHead + "policies:\n" + allow + block);
        const auto s = find(shadow, Section::Policies, ChangeKind::Added, {"'vip'", "'cost-limit' would have blocked are now allowed"});
        QVERIFY2(s.size() == 1, qPrintable(dumpDiff(shadow)));
        QCOMPARE(s[0].effect, Effect::NewlyAllowed);

        // A never-matching policy changes nothing.
        const SemanticDiff never = diffOf(kHead, kHead + "policies:\n  - name: off\n    trigger: tool_call\n    condition: 'false'\n    action: block\n");
        QCOMPARE(never.changes.at(0).effect, Effect::Neutral);
    }

    void policyReordered()
    {
        const std::string block = "  - name: cost-limit\n    trigger: tool_call\n    condition: session.total_cost > 5\n    action: block\n";
        const std::string allow = "  - name: vip\n    trigger: tool_call\n    condition: tool.name == 'lookup'\n    action: allow\n";
        const std::string other = "  - name: safety\n    trigger: agent_response\n    condition: len(response) > 100\n    action: block\n";
        const SemanticDiff d = diffOf(kHead + "policies:\n" + block + other + allow, kHead + "policies:\n" + allow + block + other);
        const auto moved = find(d, Section::Policies, ChangeKind::Moved, {"'vip'", "from position 3 to 1"});
        QVERIFY2(moved.size() == 1, qPrintable(dumpDiff(d)));
        const auto prec = find(d, Section::Policies, ChangeKind::Consequence, {"'vip' now takes precedence over 'cost-limit'"});
        QCOMPARE(prec.size(), size_t(1));
        QCOMPARE(prec[0].effect, Effect::NewlyAllowed);
        // Policies of different triggers never compete.
        QVERIFY(find(d, Section::Policies, ChangeKind::Consequence, {"'safety'"}).empty());
        // Only vip moved; the others kept their relative order.
        QCOMPARE(find(d, Section::Policies, ChangeKind::Moved, {}).size(), size_t(1));
    }

    void policyAction()
    {
        const std::string head = kHead + "policies:\n  - name: p\n    trigger: tool_call\n    condition: session.total_cost > 5\n";
        const SemanticDiff loosen = diffOf(head + "    action: block\n", head + "    action: log\n");
        QCOMPARE(loosen.changes.size(), size_t(1));
        QCOMPARE(loosen.changes[0].key, std::string("action"));
        QCOMPARE(loosen.changes[0].effect, Effect::NewlyAllowed);
        QCOMPARE(diffOf(head + "    action: allow\n", head + "    action: PolicyAction.BLOCK\n").changes.at(0).effect, Effect::NewlyBlocked);
        QCOMPARE(diffOf(head + "    action: block\n", head + "    action: escalate\n").changes.at(0).effect, Effect::Looser);
        QCOMPARE(diffOf(head + "    action: redact\n", head + "    action: throttle\n    delay_seconds: 5\n")
                     .changes.at(0).effect,
                 Effect::Unknown);
    }

    void policyCondition_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<Effect>("effect");
        QTest::addColumn<QString>("words");
        QTest::newRow("or branch added") << "session.total_cost > 5" << "session.total_cost > 5 or tool.name == 'rm'"
                                         << Effect::NewlyBlocked << "at least";
        QTest::newRow("and term added") << "session.total_cost > 5" << "session.total_cost > 5 and tool.name == 'rm'"
                                        << Effect::NewlyAllowed << "at most";
        QTest::newRow("and term dropped") << "session.total_cost>5 and tool.name=='rm'" << "session.total_cost > 5"
                                          << Effect::NewlyBlocked << "at least";
        QTest::newRow("always") << "session.total_cost > 5" << "true" << Effect::NewlyBlocked << "at least";
        QTest::newRow("threshold") << "session.total_cost > 5" << "session.total_cost > 10" << Effect::Unknown
                                   << "effect depends on the condition";
        QTest::newRow("does not compile") << "session.total_cost >" << "session.total_cost > 5" << Effect::Unknown
                                          << "effect depends on the condition";
        QTest::newRow("rewritten") << "(session.total_cost>5)" << "session.total_cost > 5" << Effect::Neutral << "written differently";
    }

    void policyCondition()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(Effect, effect);
        QFETCH(QString, words);
        const std::string head = kHead + "policies:\n  - name: p\n    trigger: tool_call\n    action: block\n    condition: ";
        const SemanticDiff d = diffOf(head + "\"" + before.toStdString() + "\"\n", head + "\"" + after.toStdString() + "\"\n");
        QCOMPARE(d.changes.size(), size_t(1));
        const Change &c = d.changes[0];
        QCOMPARE(c.key, std::string("condition"));
        QCOMPARE(c.effect, effect);
        QVERIFY2(c.sentence.find(words.toStdString()) != std::string::npos, c.sentence.c_str());
        // Both sides normalised by the condition printer.
        QVERIFY2(c.before.find(">5") == std::string::npos && c.before.find("(") == std::string::npos, c.before.c_str());
        QCOMPARE(c.afterPos.line, 7);
    }

    void policyTrigger()
    {
        const std::string head = kHead + "policies:\n  - name: p\n    condition: 'true'\n    action: log\n    trigger: ";
        const SemanticDiff d = diffOf(head + "tool_call\n", head + "data_output\n");
        QCOMPARE(d.changes.size(), size_t(1));
        QCOMPARE(d.changes[0].effect, Effect::Unknown);
        QVERIFY(d.changes[0].sentence.find("data_output requests instead of tool_call") != std::string::npos);
    }

    void guardAndAgentName()
    {
        const SemanticDiff g = diffOf(kHead + "tools:\n  - {name: t, command: [x]}\n", kHead + "tools:\n  - {name: t, guard: true}\n");
        QVERIFY2(!find(g, Section::Tools, ChangeKind::Changed, {"guard", "without a sandbox"}).empty(), qPrintable(dumpDiff(g)));
        const SemanticDiff a = diffOf(kHead + "agent: {name: bot-a}\n", kHead + "agent: {name: bot-b}\n");
        QVERIFY2(!find(a, Section::Document, ChangeKind::Changed, {"agent's name", "another agent's state"}).empty(), qPrintable(dumpDiff(a)));
    }

    void documentsWithErrors()
    {
        const auto syntax = semanticDiffTexts(kHead, "old.yaml", kHead + "sandbox: [\n", "new.yaml");
        QVERIFY(!syntax.diff);
        QVERIFY(!syntax.diagnostics.empty());
        QCOMPARE(syntax.diagnostics[0].file, std::string("new.yaml"));
        QVERIFY(syntax.diagnostics[0].begin.line >= 3);

        const auto unknown = semanticDiffTexts(kHead + "sandbox:\n  max_memroy_mb: 5\n", "old.yaml", kHead, "new.yaml");
        QVERIFY(!unknown.diff);
        QVERIFY(!unknown.diagnostics.empty());
        const Diagnostic &d = unknown.diagnostics[0];
        QCOMPARE(d.file, std::string("old.yaml"));
        QCOMPARE(d.begin.line, 4);
        QCOMPARE(d.begin.column, 3);
        QVERIFY2(d.format().rfind("old.yaml:4:3: error:", 0) == 0, d.format().c_str());

        const auto empty = semanticDiffTexts("", "a.yaml", "", "b.yaml");
        QVERIFY(!empty.diff);
        QVERIFY(!empty.diagnostics.empty());
    }

    void formats()
    {
        const std::string head = kHead + "sandbox:\n  max_memory_mb: ";
        const SemanticDiff d = diffOf(head + "1024\npolicies:\n  - {name: p, trigger: tool_call, condition: 'true', action: allow}\n",
                                      head + "4096\npolicies:\n  - {name: p, trigger: tool_call, condition: 'true', action: block}\n");
        QCOMPARE(d.summary(), std::string("1 newly blocked, 1 looser"));
        const std::string text = formatSemanticDiff(d, false);
        QVERIFY(text.find("sandbox\n  [looser] sandbox.max_memory_mb changed from 1024 to 4096") != std::string::npos);
        QVERIFY(text.find("policies\n  [newly-blocked] Policy 'p': action changed from allow to block") != std::string::npos);
        QVERIFY(text.find("\x1b[") == std::string::npos);
        QVERIFY(formatSemanticDiff(d, true).find("\x1b[31m") != std::string::npos);

        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(semanticDiffJson(d))).object();
        QCOMPARE(o.value(QStringLiteral("summary")).toString(), QStringLiteral("1 newly blocked, 1 looser"));
        QCOMPARE(o.value(QStringLiteral("counts")).toObject().value(QStringLiteral("newly-blocked")).toInt(), 1);
        const QJsonArray changes = o.value(QStringLiteral("changes")).toArray();
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes[0].toObject().value(QStringLiteral("section")).toString(), QStringLiteral("sandbox"));
        QCOMPARE(changes[0].toObject().value(QStringLiteral("before")).toString(), QStringLiteral("1024"));
        QCOMPARE(changes[0].toObject().value(QStringLiteral("after_pos")).toObject().value(QStringLiteral("line")).toInt(), 4);
        QCOMPARE(changes[1].toObject().value(QStringLiteral("effect")).toString(), QStringLiteral("newly-blocked"));
    }
};

QTEST_GUILESS_MAIN(TstSemanticDiff)
#include "tst_semanticdiff.moc"
