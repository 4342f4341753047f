// PolicyTextEditor: each operation's exact output text, comments and blank
// lines elsewhere kept, results that load to the expected model, moves that
// restore the bytes, and clean refusals.

#include "edit/policytexteditor.h"
#include "edit/yamlscalar.h"
#include "policyfixture.h"
#include "model/policyloader.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <functional>

using namespace osh;
using namespace osh::edit;

namespace {


std::string apply(const PolicyTextEditor &e, const EditResult &r)
{
    if (!r.ok())
        qWarning("edit failed: %s", r.error.c_str());
    return r.edit.applyTo(e.text());
}

std::shared_ptr<PolicyDocument> load(const std::string &text)
{
    const auto r = PolicyLoader::loadText(text, "t.yaml");
    for (const auto &d : r.diagnostics)
        if (d.severity == Severity::Error)
            qWarning("%s", d.format().c_str());
    return hasErrors(r.diagnostics) ? nullptr : r.document;
}

// Replaces the first occurrence of from by to in s (for building expectations).
std::string replaceOnce(std::string s, const std::string &from, const std::string &to)
{
    const auto at = s.find(from);
    Q_ASSERT(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

} // namespace

class TstPolicyTextEdit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheFixture()
    {
        const PolicyTextEditor e(kDoc);
        QVERIFY2(e.ok(), e.error().c_str());
        QVERIFY(load(kDoc));
        QCOMPARE(e.itemCount({"policies"}), 3);
        QCOMPARE(e.itemCount({"network", "rules"}), 1);
        QCOMPARE(e.itemCount({"tools"}), 0);
        QCOMPARE(e.itemCount({"name"}), -1);
    }

    void setScalar_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("plain");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("plain number") << "sandbox.max_memory_mb" << "4096" << true
                                      << "max_memory_mb: 2048   # MB" << "max_memory_mb: 4096   # MB";
        QTest::newRow("enum word") << "sandbox.isolation" << "container" << true << "isolation: gvisor"
                                   << "isolation: container";
        QTest::newRow("keeps single quotes") << "policies[1].name" << "it's" << false << "name: 'cost'"
                                             << "name: 'it''s'";
        QTest::newRow("keeps double quotes") << "policies[1].message" << "a \"b\"\\c" << false
                                             << "message: \"Too \\\"much\\\"\"" << "message: \"a \\\"b\\\"\\\\c\"";
        QTest::newRow("plain stays plain") << "policies[0].condition" << "tool.name == 'x'" << false
                                           << "condition: contains_pii(output)" << "condition: tool.name == 'x'";
        QTest::newRow("quoted when needed") << "policies[0].condition" << "a: b # c" << false
                                            << "condition: contains_pii(output)" << "condition: 'a: b # c'";
        QTest::newRow("string that looks like a number") << "name" << "123" << false << "name: demo"
                                                          << "name: '123'";
        QTest::newRow("newline goes double-quoted") << "policies[0].condition" << "a\nb" << false
                                                    << "condition: contains_pii(output)" << "condition: \"a\\nb\"";
        QTest::newRow("flow context quotes commas") << "filesystem.rules[0].path" << "/a,b" << false
                                                    << "{path: /data," << "{path: '/a,b',";
        QTest::newRow("unicode") << "policies[0].condition" << "contains_pii(output) or 'é' in output" << false
                                 << "condition: contains_pii(output)"
                                 << "condition: contains_pii(output) or 'é' in output";
        QTest::newRow("map value") << "sandbox.environment.LANG" << "de_DE.UTF-8" << false << "LANG: C.UTF-8"
                                   << "LANG: de_DE.UTF-8";
    }

    void setScalar()
    {
        QFETCH(QString, path);
        QFETCH(QString, value);
        QFETCH(bool, plain);
        QFETCH(QString, from);
        QFETCH(QString, to);
        Path p;
        for (const auto &part : path.split(QLatin1Char('.'))) {
            const auto bracket = part.indexOf(QLatin1Char('['));
            if (bracket < 0) {
                p.emplace_back(part.toStdString());
            } else {
                p.emplace_back(part.left(bracket).toStdString());
                p.emplace_back(part.mid(bracket + 1).chopped(1).toInt());
            }
        }
        const PolicyTextEditor e(kDoc);
        const auto v = plain ? Value::plain(value.toStdString()) : Value::string(value.toStdString());
        const auto r = e.setValue(p, v);
        QVERIFY2(r.ok(), r.error.c_str());
        const std::string out = apply(e, r);
        QCOMPARE(QString::fromStdString(out),
                 QString::fromStdString(replaceOnce(kDoc, from.toStdString(), to.toStdString())));
        // The value reads back as written.
        const PolicyTextEditor again(out);
        QVERIFY2(again.ok(), again.error().c_str());
        QVERIFY(again.setValue(p, v).edit.isNoOp());
    }

    void setValueReadsBack()
    {
        const PolicyTextEditor e(kDoc);
        const std::string out = apply(e, e.setValue({"policies", 1, "message"}, Value::string("50% off: \"now\"")));
        const auto doc = load(out);
        QVERIFY(doc);
        QCOMPARE(doc->policies[1].message, std::string("50% off: \"now\""));
        const std::string out2 = apply(e, e.setValue({"policies", 2, "condition"}, Value::string("true")));
        QVERIFY(load(out2));
        QCOMPARE(load(out2)->policies[2].condition, std::string("true"));
    }

    void sameValueIsNoOp()
    {
        const PolicyTextEditor e(kDoc);
        QVERIFY(e.setValue({"sandbox", "max_memory_mb"}, Value::plain("2048")).edit.isNoOp());
        QVERIFY(e.setValue({"policies", 1, "name"}, Value::string("cost")).edit.isNoOp());
    }

    void addKeyToBlockMap()
    {
        const PolicyTextEditor e(kDoc);
        const auto r = e.setValue({"sandbox", "cleanup_policy"}, Value::plain("snapshot"));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(apply(e, r), replaceOnce(kDoc, "    LANG: C.UTF-8\n", "    LANG: C.UTF-8\n  cleanup_policy: snapshot\n"));
        QCOMPARE(load(apply(e, r))->sandbox.cleanupPolicy, CleanupPolicy::Snapshot);
    }

    void addKeyToItem()
    {
        const PolicyTextEditor e(kDoc);
        const auto r = e.setValue({"policies", 0, "log_level"}, Value::plain("warning"));
        QCOMPARE(apply(e, r), replaceOnce(kDoc, "    action: redact\n", "    action: redact\n    log_level: warning\n"));
    }

    void addKeyToFlowMap()
    {
        const PolicyTextEditor e(kDoc);
        const auto r = e.setValue({"filesystem", "rules", 0, "max_file_size_mb"}, Value::plain("5"));
        QCOMPARE(apply(e, r), replaceOnce(kDoc, "permissions: read}", "permissions: read, max_file_size_mb: 5}"));
        QCOMPARE(load(apply(e, r))->filesystem.rules[0].maxFileSizeMb, std::optional<double>(5));
    }

    void addMissingMappings()
    {
        const std::string doc = "version: 1\nname: x\n# end\n";
        const PolicyTextEditor e(doc);
        const auto r = e.setValue({"sandbox", "max_processes"}, Value::plain("10"));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(apply(e, r), std::string("version: 1\nname: x\nsandbox:\n  max_processes: 10\n# end\n"));
        // An empty value becomes the mapping.
        const PolicyTextEditor e2("version: 1\nname: x\nsandbox:\n");
        QCOMPARE(apply(e2, e2.setValue({"sandbox", "isolation"}, Value::plain("container"))),
                 std::string("version: 1\nname: x\nsandbox:\n  isolation: container\n"));
    }

    void setList()
    {
        const PolicyTextEditor e(kDoc);
        const auto r = e.setValue({"network", "rules", 0, "allowed_hosts"},
                                  Value::list({Value::string("a.example.com"), Value::string("*.b.org")}));
        QCOMPARE(apply(e, r), replaceOnce(kDoc, "[a.example.com]", "[a.example.com, '*.b.org']"));
        QCOMPARE(load(apply(e, r))->network.rules[0].allowedHosts,
                 (std::vector<std::string>{"a.example.com", "*.b.org"}));
        const PolicyTextEditor b("version: 1\nname: x\nnetwork:\n  allowed_dns_servers:\n    - 1.1.1.1 # one\n    - 9.9.9.9\n");
        QCOMPARE(apply(b, b.setValue({"network", "allowed_dns_servers"}, Value::list({Value::string("8.8.8.8")}))),
                 std::string("version: 1\nname: x\nnetwork:\n  allowed_dns_servers:\n    - 8.8.8.8\n"));
    }

    void removeKey()
    {
        const PolicyTextEditor e(kDoc);
        QCOMPARE(apply(e, e.removeKey({"policies", 1, "message"})),
                 replaceOnce(kDoc, "    message: \"Too \\\"much\\\"\"\n", ""));
        // The first key of an item: the next key moves behind the dash.
        QCOMPARE(apply(e, e.removeKey({"policies", 2, "name"})),
                 replaceOnce(kDoc, "  - name: last\n    trigger", "  - trigger"));
        // The only key of a mapping leaves an empty mapping.
        QCOMPARE(apply(e, e.removeKey({"sandbox", "environment", "LANG"})),
                 replaceOnce(kDoc, "LANG: C.UTF-8", "{}"));
        QVERIFY(load(apply(e, e.removeKey({"sandbox", "environment", "LANG"}))));
        // Flow mapping.
        QCOMPARE(apply(e, e.removeKey({"filesystem", "rules", 0, "permissions"})),
                 replaceOnce(kDoc, "{path: /data, permissions: read}", "{path: /data}"));
        QCOMPARE(apply(e, e.removeKey({"filesystem", "rules", 0, "path"})),
                 replaceOnce(kDoc, "{path: /data, permissions: read}", "{permissions: read}"));
        // Absent: nothing to do.
        QVERIFY(e.removeKey({"sandbox", "max_processes"}).edit.isNoOp());
    }

    void appendAndInsertItems()
    {
        const PolicyTextEditor e(kDoc);
        const std::vector<Field> p{{"name", Value::string("new one")},
                                   {"trigger", Value::plain("tool_call")},
                                   {"condition", Value::string("tool.name == 'x'")},
                                   {"action", Value::plain("block")}};
        const std::string appended = apply(e, e.appendItem({"policies"}, p));
        QCOMPARE(appended, replaceOnce(kDoc, "    action: allow\n",
                                       "    action: allow\n  - name: new one\n    trigger: tool_call\n"
                                       "    condition: tool.name == 'x'\n    action: block\n"));
        const auto doc = load(appended);
        QVERIFY(doc);
        QCOMPARE(doc->policies.size(), std::size_t(4));
        QCOMPARE(doc->policies[3].name, std::string("new one"));

        // Inserting before item 0 goes above its comment.
        const std::string first = apply(e, e.insertItem({"policies"}, 0, p));
        QCOMPARE(first, replaceOnce(kDoc, "  # First: redact\n",
                                    "  - name: new one\n    trigger: tool_call\n    condition: tool.name == 'x'\n"
                                    "    action: block\n  # First: redact\n"));
        QCOMPARE(load(first)->policies[0].name, std::string("new one"));

        // A list of flow mappings gets a flow mapping.
        const std::string fs = apply(e, e.appendItem({"filesystem", "rules"},
                                                      {{"path", Value::string("/out")}, {"permissions", Value::plain("write")}}));
        QCOMPARE(fs, replaceOnce(kDoc, "permissions: read}\n", "permissions: read}\n    - {path: /out, permissions: write}\n"));
        QCOMPARE(load(fs)->filesystem.rules.size(), std::size_t(2));
    }

    void createMissingList()
    {
        const std::string doc = "version: 1\nname: x\n";
        const PolicyTextEditor e(doc);
        const auto r = e.appendItem({"policies"}, {{"name", Value::string("a")}, {"trigger", Value::plain("tool_call")},
                                                   {"condition", Value::string("true")}, {"action", Value::plain("log")}});
        QVERIFY2(r.ok(), r.error.c_str());
        const std::string out = apply(e, r);
        QCOMPARE(out, std::string("version: 1\nname: x\npolicies:\n  - name: a\n    trigger: tool_call\n"
                                  "    condition: 'true'\n    action: log\n"));
        QVERIFY(load(out));
        const PolicyTextEditor empty("version: 1\nname: x\npolicies: []  # none yet\n");
        QCOMPARE(apply(empty, empty.appendItem({"policies"}, {{"name", Value::string("a")}})),
                 std::string("version: 1\nname: x\npolicies:\n  - name: a  # none yet\n"));
    }

    void removeItems()
    {
        const PolicyTextEditor e(kDoc);
        // The item's own leading comment goes with it; the blank line stays.
        QCOMPARE(apply(e, e.removeItem({"policies"}, 0)),
                 replaceOnce(kDoc, "  # First: redact\n  - name: pii\n    trigger: data_output\n"
                                   "    condition: contains_pii(output)\n    action: redact\n", ""));
        QCOMPARE(apply(e, e.removeItem({"policies"}, 2)),
                 replaceOnce(kDoc, "  - name: last\n    trigger: tool_call\n    condition: \"true\"\n    action: allow\n", ""));
        // The only item leaves an empty list.
        const std::string out = apply(e, e.removeItem({"network", "rules"}, 0));
        QCOMPARE(out, replaceOnce(kDoc, "    - tool: search\n      allowed_hosts: [a.example.com]\n      protocol: https\n",
                                  "    []\n"));
        QVERIFY(load(out));
        QVERIFY(load(out)->network.rules.empty());
    }

    void moveItems()
    {
        const PolicyTextEditor e(kDoc);
        const auto r = e.moveItem({"policies"}, 0, 2);
        QVERIFY2(r.ok(), r.error.c_str());
        const std::string moved = apply(e, r);
        const std::string expected = kDocFirstPolicyLast;
        QCOMPARE(moved, expected);
        const auto doc = load(moved);
        QVERIFY(doc);
        QCOMPARE(doc->policies[0].name, std::string("cost"));
        QCOMPARE(doc->policies[2].name, std::string("pii"));
        // Edits outside the moved lines are not made.
        QVERIFY(r.edit.offset >= kDoc.find("  # First"));
        QCOMPARE(r.edit.offset + r.edit.length, kDoc.find("# Footer") - 1); // up to the line break

        const PolicyTextEditor back(moved);
        QCOMPARE(apply(back, back.moveItem({"policies"}, 2, 0)), kDoc);
        // Moving down by one and up by one.
        const std::string down = apply(e, e.moveItem({"policies"}, 1, 2));
        QCOMPARE(load(down)->policies[1].name, std::string("last"));
        const PolicyTextEditor up(down);
        QCOMPARE(apply(up, up.moveItem({"policies"}, 2, 1)), kDoc);
        QVERIFY(e.moveItem({"policies"}, 1, 1).edit.isNoOp());
    }

    void moveWithoutFinalNewline()
    {
        const std::string doc = "policies:\n  - name: a\n  - name: b";
        const PolicyTextEditor e(doc);
        const std::string out = apply(e, e.moveItem({"policies"}, 1, 0));
        QCOMPARE(out, std::string("policies:\n  - name: b\n  - name: a"));
    }

    void exampleWorkspace()
    {
        QFile f(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support/customer-support.policy.yaml"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const std::string text = f.readAll().toStdString();
        const auto original = load(text);
        QVERIFY(original);
        std::string cur = text;
        const int n = static_cast<int>(original->policies.size());
        {
            const PolicyTextEditor e(cur);
            cur = apply(e, e.moveItem({"policies"}, 0, n - 1));
        }
        auto doc = load(cur);
        QVERIFY(doc);
        QCOMPARE(doc->policies.back().name, original->policies.front().name);
        QCOMPARE(doc->policies.front().name, original->policies[1].name);
        {
            const PolicyTextEditor e(cur);
            cur = apply(e, e.moveItem({"policies"}, n - 1, 0));
        }
        QCOMPARE(cur, text);
        // A flow filesystem rule gets a new key; everything else equal.
        const PolicyTextEditor e(text);
        const std::string out = apply(e, e.setValue({"filesystem", "rules", 0, "block_symlinks"}, Value::plain("false")));
        doc = load(out);
        QVERIFY(doc);
        QVERIFY(!doc->filesystem.rules[0].blockSymlinks);
        auto expected = *original;
        expected.filesystem.rules[0].blockSymlinks = false;
        QVERIFY(*doc == expected);
    }

    // Every document of the test corpus and the examples: no operation
    // crashes, results stay YAML the editor reads, moves round-trip, values
    // read back.
    void corpus()
    {
        int files = 0;
        int moves = 0;
        for (const QString &root : {QStringLiteral(OSH_TEST_DATA_DIR), QStringLiteral(OSH_SOURCE_DIR "/examples")}) {
            QDirIterator it(root, {QStringLiteral("*.yaml")}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                const std::string text = f.readAll().toStdString();
                const PolicyTextEditor e(text);
                ++files;
                if (!e.ok())
                    continue;
                for (const Path &seq : {Path{"policies"}, Path{"network", "rules"}, Path{"filesystem", "rules"},
                                        Path{"tools"}}) {
                    const int n = e.itemCount(seq);
                    for (int i = 0; i < n; ++i) {
                        const auto removed = e.removeItem(seq, i);
                        if (!removed.ok())
                            continue; // refused cleanly (e.g. a flow list)
                        const PolicyTextEditor after(apply(e, removed));
                        QVERIFY2(after.ok(), qPrintable(f.fileName()));
                        QCOMPARE(after.itemCount(seq), n - 1);
                        auto namePath = seq;
                        namePath.emplace_back(i);
                        namePath.emplace_back(seq.size() == 1 ? "name" : seq.front().key == "network" ? "tool" : "path");
                        const auto renamed = e.setValue(namePath, Value::string("ünï: 'x' #1"));
                        if (renamed.ok()) {
                            const PolicyTextEditor r2(apply(e, renamed));
                            QVERIFY2(r2.ok(), qPrintable(f.fileName()));
                            QCOMPARE(r2.scalarAt(namePath), std::optional<std::string>("ünï: 'x' #1"));
                        }
                    }
                    if (n < 2)
                        continue;
                    const auto there = e.moveItem(seq, 0, n - 1);
                    if (!there.ok())
                        continue;
                    const std::string moved = apply(e, there);
                    const PolicyTextEditor back(moved);
                    QVERIFY2(back.ok(), qPrintable(f.fileName()));
                    QCOMPARE(back.itemCount(seq), n);
                    QCOMPARE(apply(back, back.moveItem(seq, n - 1, 0)), text);
                    ++moves;
                }
            }
        }
        QVERIFY(files > 20);
        QVERIFY(moves > 5);
    }

    void mapEntries()
    {
        const PolicyTextEditor e(kDoc);
        using Entries = std::vector<std::pair<std::string, std::string>>;
        QCOMPARE(e.mapAt({"sandbox", "environment"}), std::optional<Entries>(Entries{{"LANG", "C.UTF-8"}}));
        QVERIFY(!e.mapAt({"policies"}));
        QCOMPARE(apply(e, e.renameKey({"sandbox", "environment", "LANG"}, "LC_ALL")),
                 replaceOnce(kDoc, "    LANG: C.UTF-8", "    LC_ALL: C.UTF-8"));
        QVERIFY(!e.renameKey({"sandbox", "environment", "LANG"}, "").ok());
        QVERIFY(!e.renameKey({"sandbox", "isolation"}, "max_memory_mb").ok()); // would duplicate a key
        QVERIFY(!e.renameKey({"sandbox", "nothing"}, "x").ok());
        // A new entry is a new key.
        QCOMPARE(apply(e, e.setValue({"sandbox", "environment", "TZ"}, Value::string("UTC"))),
                 replaceOnce(kDoc, "    LANG: C.UTF-8\n", "    LANG: C.UTF-8\n    TZ: UTC\n"));
    }

    // A CRLF document gets the same edits with CRLF line breaks.
    void crlf()
    {
        auto toCrlf = [](const std::string &lf) {
            std::string out;
            for (const char c : lf) {
                if (c == '\n')
                    out += '\r';
                out += c;
            }
            return out;
        };
        const PolicyTextEditor lf(kDoc);
        const PolicyTextEditor cr(toCrlf(kDoc));
        QVERIFY2(cr.ok(), cr.error().c_str());
        const std::vector<Field> item{{"name", Value::string("n")}, {"trigger", Value::plain("tool_call")}};
        const std::vector<std::function<EditResult(const PolicyTextEditor &)>> ops{
            [](const PolicyTextEditor &e) { return e.moveItem({"policies"}, 0, 2); },
            [](const PolicyTextEditor &e) { return e.moveItem({"policies"}, 2, 1); },
            [](const PolicyTextEditor &e) { return e.removeItem({"policies"}, 2); },
            [](const PolicyTextEditor &e) { return e.removeItem({"policies"}, 0); },
            [&item](const PolicyTextEditor &e) { return e.appendItem({"policies"}, item); },
            [&item](const PolicyTextEditor &e) { return e.insertItem({"policies"}, 1, item); },
            [](const PolicyTextEditor &e) { return e.setValue({"sandbox", "max_processes"}, Value::plain("3")); },
            [](const PolicyTextEditor &e) { return e.setValue({"agent", "description"}, Value::string("a\nb")); },
            [](const PolicyTextEditor &e) { return e.removeKey({"policies", 1, "message"}); },
            [](const PolicyTextEditor &e) { return e.removeKey({"sandbox", "environment"}); },
        };
        for (std::size_t i = 0; i < ops.size(); ++i) {
            const std::string expected = toCrlf(apply(lf, ops[i](lf)));
            QCOMPARE(apply(cr, ops[i](cr)), expected);
            QVERIFY(PolicyTextEditor(expected).ok());
            QVERIFY(expected.find("\r\r") == std::string::npos);
        }
    }

    void refusals()
    {
        QVERIFY(!PolicyTextEditor("a: [").ok());
        QVERIFY(!PolicyTextEditor("- a\n- b\n").ok());
        QVERIFY(!PolicyTextEditor("{version: 1}").ok());
        const PolicyTextEditor aliases("x: &a {b: 1}\ny: *a\n");
        QVERIFY(!aliases.ok());
        QVERIFY(!aliases.setValue({"x", "b"}, Value::plain("2")).ok());

        const PolicyTextEditor e(kDoc);
        const auto flowList = e.moveItem({"network", "rules", 0, "allowed_hosts"}, 0, 0);
        QVERIFY(!flowList.ok());
        QVERIFY(!e.appendItem({"network", "rules", 0, "allowed_hosts"}, {}).ok());
        QVERIFY(QString::fromStdString(e.appendItem({"network", "rules", 0, "allowed_hosts"}, {}).error).contains(QStringLiteral("flow")));
        QVERIFY(!e.moveItem({"policies"}, 0, 3).ok());
        QVERIFY(!e.removeItem({"policies"}, -1).ok());
        QVERIFY(!e.setValue({"policies", 7, "name"}, Value::string("x")).ok());
        QVERIFY(!e.setValue({"sandbox"}, Value::string("x")).ok());
        QVERIFY(!e.setValue({"name", "sub"}, Value::string("x")).ok());
        QVERIFY(!e.setValue({"sandbox", "isolation"}, Value::plain("a: b")).ok());
        QVERIFY(!e.setValue({}, Value::plain("1")).ok());
    }

    void scalarRules()
    {
        QVERIFY(isPlainSafe("hello world", false));
        QVERIFY(!isPlainSafe("true", false));
        QVERIFY(!isPlainSafe("1e3", false));
        QVERIFY(!isPlainSafe("0x1F", false));
        QVERIFY(!isPlainSafe("- x", false));
        QVERIFY(!isPlainSafe("*.example.com", false));
        QVERIFY(!isPlainSafe("a, b", true));
        QVERIFY(isPlainSafe("a, b", false));
        QVERIFY(isPlainSafe("ünïcödé", true));
        QCOMPARE(doubleQuoted("a\tb\x01"), std::string("\"a\\tb\\x01\""));
        QCOMPARE(singleQuoted("it's"), std::string("'it''s'"));
    }
};

QTEST_GUILESS_MAIN(TstPolicyTextEdit)
#include "tst_policytextedit.moc"
