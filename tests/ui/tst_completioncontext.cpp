// CompletionContext over many cursor positions of one policy text; the
// cursor is written as '|' in each row.
#include "editor/completioncontext.h"

#include <QTest>

using osh::ui::CompletionContext;
using Kind = CompletionContext::Kind;

namespace {

const char *const kDoc = R"(version: 1
name: demo
sandbox:
  isolation: gvisor
  cleanup_policy: snapshot
network:
  default_policy: deny-all
  rules:
    - tool: knowledge_search
      allowed_hosts: [search.example.com]
      protocol: https
    - tool: email_send
      allowed_hosts: [smtp.example.com]
filesystem:
  rules:
    - {path: /data/kb, permissions: read}
policies:
  - name: pii-redact
    trigger: data_output
    condition: contains_pii(output)
    action: redact
    pii_types: [ssn, email]
  - name: cost-limit
    condition: session.total_cost > 5.0
    trigger: tool_call
    action: block
  - name: egress
    trigger: network_egress
    condition: destination.port != 443
    action: log
tools:
  - name: knowledge_search
    command: [python3, ks.py]
  - name: email_send
    command: [python3, es.py]
agent:
  command: [python3, a.py]
)";

struct Cursor
{
    QString text;
    int line;
    int column;
};

// Places the cursor at the occurrence of `at` on 0-based `line`, then
// `offset` UTF-16 units further; optionally replaces that line first.
Cursor cursorAt(int line, const QString &at, int offset, const QString &replaceLine = {})
{
    QStringList lines = QString::fromUtf8(kDoc).split(QLatin1Char('\n'));
    if (!replaceLine.isNull())
        lines[line] = replaceLine;
    const int col = lines[line].indexOf(at);
    Q_ASSERT(col >= 0);
    return {lines.join(QLatin1Char('\n')), line, col + offset};
}

} // namespace

class TestCompletionContext : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contexts_data()
    {
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("replaceLine");
        QTest::addColumn<QString>("at");
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QStringList>("mustHave");
        QTest::addColumn<QStringList>("mustNotHave");
        const auto S = [](const char *s) { return QString::fromUtf8(s); };
        const auto L = [](std::initializer_list<const char *> l) {
            QStringList out;
            for (auto *s : l)
                out << QString::fromUtf8(s);
            return out;
        };
        const QString none;
        // Keys by mapping.
        QTest::newRow("root key") << 1 << S("na") << S("na") << 2 << int(Kind::Key) << S("") << S("na") << L({"name"}) << L({"version"});
        QTest::newRow("root empty line") << 1 << S("") << S("") << 0 << int(Kind::Key) << S("") << S("") << L({"sandbox", "policies", "tools"}) << L({"isolation"});
        QTest::newRow("sandbox key") << 4 << S("  max_m") << S("max_m") << 5 << int(Kind::Key) << S("sandbox") << S("max_m") << L({"max_memory_mb"}) << L({"name"});
        QTest::newRow("network key") << 6 << S("  dns") << S("dns") << 3 << int(Kind::Key) << S("network") << S("dns") << L({"dns_filtering"}) << L({});
        QTest::newRow("egress key") << 10 << S("      tls") << S("tls") << 3 << int(Kind::Key) << S("network.rules[]") << S("tls") << L({"tls_required"}) << L({"tools"});
        QTest::newRow("egress key after dash") << 11 << S("    - pro") << S("pro") << 3 << int(Kind::Key) << S("network.rules[]") << S("pro") << L({"protocol"}) << L({});
        QTest::newRow("filesystem key") << 14 << S("  strict") << S("strict") << 6 << int(Kind::Key) << S("filesystem") << S("strict") << L({"strict_path_validation"}) << L({});
        QTest::newRow("access rule flow key") << 15 << none << S("permissions") << 0 << int(Kind::Key) << S("filesystem.rules[]") << S("") << L({"path", "permissions", "source"}) << L({"tool"});
        QTest::newRow("policy key") << 20 << S("    esc") << S("esc") << 3 << int(Kind::Key) << S("policies[]") << S("esc") << L({"escalation"}) << L({});
        QTest::newRow("tool key") << 32 << S("    time") << S("time") << 4 << int(Kind::Key) << S("tools[]") << S("time") << L({"timeout_seconds"}) << L({});
        QTest::newRow("agent key") << 36 << S("  desc") << S("desc") << 4 << int(Kind::Key) << S("agent") << S("desc") << L({"description"}) << L({});
        // Enum values.
        QTest::newRow("isolation") << 3 << none << S("gvisor") << 0 << int(Kind::EnumValue) << S("sandbox") << S("") << L({"gvisor", "firecracker", "container"}) << L({});
        QTest::newRow("isolation prefix") << 3 << none << S("gvisor") << 2 << int(Kind::EnumValue) << S("sandbox") << S("gv") << L({"gvisor"}) << L({"container"});
        QTest::newRow("cleanup") << 4 << none << S("snapshot") << 0 << int(Kind::EnumValue) << S("sandbox") << S("") << L({"destroy", "snapshot", "preserve"}) << L({});
        QTest::newRow("default_policy") << 6 << none << S("deny-all") << 5 << int(Kind::EnumValue) << S("network") << S("deny-") << L({"deny-all"}) << L({"allow-all"});
        QTest::newRow("protocol") << 10 << none << S("https") << 0 << int(Kind::EnumValue) << S("network.rules[]") << S("") << L({"https", "http", "tcp", "smtp"}) << L({});
        QTest::newRow("permissions flow") << 15 << none << S("read}") << 0 << int(Kind::EnumValue) << S("filesystem.rules[]") << S("") << L({"read", "write", "read-write"}) << L({});
        QTest::newRow("trigger") << 18 << none << S("data_output") << 0 << int(Kind::EnumValue) << S("policies[]") << S("") << L({"tool_call", "data_output", "agent_response", "network_egress", "file_access"}) << L({});
        QTest::newRow("action") << 20 << none << S("redact") << 1 << int(Kind::EnumValue) << S("policies[]") << S("r") << L({"redact"}) << L({"block"});
        QTest::newRow("log_level") << 20 << S("    log_level: ") << S("log_level: ") << 11 << int(Kind::EnumValue) << S("policies[]") << S("") << L({"debug", "info", "warning", "critical"}) << L({});
        QTest::newRow("bool") << 10 << S("      tls_required: t") << S("required: t") << 11 << int(Kind::EnumValue) << S("network.rules[]") << S("t") << L({"true"}) << L({"false"});
        // Tool names in egress rules.
        QTest::newRow("tool name") << 8 << none << S("knowledge_search") << 0 << int(Kind::ToolName) << S("network.rules[]") << S("") << L({"knowledge_search", "email_send"}) << L({"python3"});
        QTest::newRow("tool name prefix") << 11 << none << S("email_send") << 2 << int(Kind::ToolName) << S("network.rules[]") << S("em") << L({"email_send"}) << L({"knowledge_search"});
        // PII types.
        QTest::newRow("pii flow first") << 21 << none << S("ssn") << 0 << int(Kind::PiiType) << S("policies[]") << S("") << L({"ssn", "credit_card", "email"}) << L({});
        QTest::newRow("pii flow second") << 21 << none << S("email]") << 2 << int(Kind::PiiType) << S("policies[]") << S("em") << L({"email"}) << L({"ssn"});
        // Conditions: variables of the policy's trigger, and functions.
        QTest::newRow("cond data_output") << 19 << none << S("output") << 0 << int(Kind::Condition) << S("policies[]") << S("") << L({"output", "contains_pii", "session.total_cost", "tool.name"}) << L({"tool.args", "destination.host", "response"});
        QTest::newRow("cond trigger below") << 23 << none << S("session.total_cost") << 8 << int(Kind::Condition) << S("policies[]") << S("session.") << L({"session.total_cost", "session.id"}) << L({"tool.name", "output"});
        QTest::newRow("cond tool_call") << 23 << S("    condition: ") << S("condition: ") << 11 << int(Kind::Condition) << S("policies[]") << S("") << L({"tool.name", "tool.args", "session.id", "contains_pii"}) << L({"output", "response", "file.path"});
        QTest::newRow("cond network_egress") << 28 << none << S("destination.port") << 12 << int(Kind::Condition) << S("policies[]") << S("destination.") << L({"destination.port", "destination.host"}) << L({"output"});
        // Nothing to offer.
        QTest::newRow("hosts flow") << 9 << none << S("search.example") << 0 << int(Kind::None) << S("network.rules[]") << S("") << L({}) << L({"https"});
        QTest::newRow("comment") << 1 << S("# na") << S("na") << 2 << int(Kind::None) << S("") << S("") << L({}) << L({"name"});
    }

    void contexts()
    {
        QFETCH(int, line);
        QFETCH(QString, replaceLine);
        QFETCH(QString, at);
        QFETCH(int, offset);
        QFETCH(int, kind);
        QFETCH(QString, path);
        QFETCH(QString, prefix);
        QFETCH(QStringList, mustHave);
        QFETCH(QStringList, mustNotHave);
        const Cursor c = cursorAt(line, at, offset, replaceLine);
        const auto ctx = CompletionContext::analyze(c.text, c.line, c.column);
        QCOMPARE(int(ctx.kind()), kind);
        if (kind != int(Kind::None)) {
            QCOMPARE(ctx.path(), path);
            QCOMPARE(ctx.prefix(), prefix);
        }
        const QStringList texts = ctx.texts();
        for (const auto &m : mustHave)
            QVERIFY2(texts.contains(m), qPrintable(m + QStringLiteral(" missing from ") + texts.join(QLatin1Char(','))));
        for (const auto &m : mustNotHave)
            QVERIFY2(!texts.contains(m), qPrintable(m + QStringLiteral(" unexpected in ") + texts.join(QLatin1Char(','))));
    }

    void itemKinds()
    {
        const Cursor c = cursorAt(19, QStringLiteral("output"), 0);
        const auto ctx = CompletionContext::analyze(c.text, c.line, c.column);
        bool sawVar = false, sawFn = false;
        for (const auto &i : ctx.items()) {
            sawVar |= i.kind == CompletionContext::ItemKind::Variable && i.text == QLatin1String("output");
            sawFn |= i.kind == CompletionContext::ItemKind::Function && i.text == QLatin1String("contains_pii");
        }
        QVERIFY(sawVar);
        QVERIFY(sawFn);
    }

    void utf16Columns()
    {
        // Non-ASCII before the cursor: columns are UTF-16 indices.
        const QString text = QStringLiteral("description: \"Ünï 😀\"\nsandbox:\n  isolation: fi");
        const auto ctx = CompletionContext::analyze(text, 2, 15);
        QCOMPARE(ctx.kind(), Kind::EnumValue);
        QCOMPARE(ctx.texts(), QStringList{QStringLiteral("firecracker")});
    }

    void blockPiiSequence()
    {
        const QString text = QStringLiteral("policies:\n  - name: a\n    pii_types:\n      - ss");
        const auto ctx = CompletionContext::analyze(text, 3, 10);
        QCOMPARE(ctx.kind(), Kind::PiiType);
        QCOMPARE(ctx.texts(), QStringList{QStringLiteral("ssn")});
    }

    void sequenceAtKeyIndent()
    {
        // "rules:" followed by items at the same indentation as the key.
        const QString text = QStringLiteral("network:\n  rules:\n  - tool: a\n    proto");
        const auto ctx = CompletionContext::analyze(text, 3, 9);
        QCOMPARE(ctx.kind(), Kind::Key);
        QCOMPARE(ctx.path(), QStringLiteral("network.rules[]"));
        QVERIFY(ctx.texts().contains(QStringLiteral("protocol")));
    }
};

QTEST_GUILESS_MAIN(TestCompletionContext)
#include "tst_completioncontext.moc"
