// The YAML tree: positions, scalar styles, and the defences against hostile
// input (alias bombs, deep nesting, huge scalars, binary data, empty files).

#include "model/scalarmap.h"
#include "model/yamltree.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

using namespace osh;
using namespace osh::yaml;

class TstYamlTree : public QObject
{
    Q_OBJECT

private:
    static Diagnostics parse(const std::string &text, Document &doc, const Limits &limits = Limits())
    {
        Diagnostics d;
        doc.parse(text, "f.yaml", d, limits);
        return d;
    }

private Q_SLOTS:
    void positionsAreOneBasedCodePoints()
    {
        Document doc;
        const auto d = parse("a: 1\nb:\n  - 'x'\n  - \"é\": ü\n", doc);
        QVERIFY(d.empty());
        const Node &root = doc.root();
        QCOMPARE(root.kind, NodeKind::Map);
        QCOMPARE(root.children.size(), size_t(4));
        const Node &b = doc.node(root.children[2]);
        QCOMPARE(b.pos, (SourcePos{2, 1}));
        const Node &seq = doc.node(root.children[3]);
        QCOMPARE(seq.kind, NodeKind::Sequence);
        const Node &x = doc.node(seq.children[0]);
        QCOMPARE(x.scalar, std::string("x"));
        QCOMPARE(x.style, ScalarStyle::SingleQuoted);
        QCOMPARE(x.pos, (SourcePos{3, 5}));
        const Node &inner = doc.node(seq.children[1]);
        const Node &u = doc.node(inner.children[1]);
        QCOMPARE(u.scalar, std::string("ü"));
        // "  - "é": ü": the value starts at column 10 (é is one column).
        QCOMPARE(u.pos, (SourcePos{4, 10}));
    }

    void offsetRoundTrip()
    {
        Document doc;
        QVERIFY(parse("k: 'äöü'\nlong: value\n", doc).empty());
        for (int line = 1; line <= 2; ++line)
            for (int col = 1; col <= 6; ++col) {
                const SourcePos p{line, col};
                QCOMPARE(doc.positionOf(doc.offsetOf(p)), p);
            }
    }

    void scalarStyles()
    {
        Document doc;
        QVERIFY(parse("a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >\n  fold\n", doc).empty());
        const Node &r = doc.root();
        QCOMPARE(doc.node(r.children[1]).style, ScalarStyle::Plain);
        QCOMPARE(doc.node(r.children[3]).style, ScalarStyle::SingleQuoted);
        QCOMPARE(doc.node(r.children[5]).style, ScalarStyle::DoubleQuoted);
        QCOMPARE(doc.node(r.children[7]).style, ScalarStyle::Literal);
        QCOMPARE(doc.node(r.children[9]).style, ScalarStyle::Folded);
    }

    void scalarSourceMap_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("valueOffset");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("plain") << QStringLiteral("c: tool.name == 'x'\n") << 13 << 1 << 17;
        QTest::newRow("double") << QStringLiteral("c: \"a == \\\"b\\\"\"\n") << 6 << 1 << 12;
        QTest::newRow("single-escaped-quote") << QStringLiteral("c: 'it''s x'\n") << 5 << 1 << 11;
        QTest::newRow("literal") << QStringLiteral("c: |\n  one or\n  two\n") << 7 << 3 << 3;
        QTest::newRow("folded-plain") << QStringLiteral("c: one or\n   two\n") << 7 << 2 << 4;
    }

    void scalarSourceMap()
    {
        QFETCH(QString, yaml);
        QFETCH(int, valueOffset);
        QFETCH(int, line);
        QFETCH(int, column);
        Document doc;
        QVERIFY(parse(yaml.toStdString(), doc).empty());
        const Node &v = doc.node(doc.root().children[1]);
        const auto off = sourceOffsetInScalar(doc.source(), v.offset, v.style, v.scalar, static_cast<size_t>(valueOffset));
        QCOMPARE(doc.positionOf(off), (SourcePos{line, column}));
    }

    void aliasBombIsRefusedQuickly()
    {
        std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 12; ++i) {
            text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
            for (int k = 0; k < 10; ++k)
                text += (k ? ", *a" : "*a") + std::to_string(i - 1);
            text += "]\n";
        }
        QElapsedTimer t;
        t.start();
        Document doc;
        const auto d = parse(text, doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E002"));
        QVERIFY(doc.empty());
        QVERIFY2(t.elapsed() < 2000, "alias expansion must be computed, not performed");
    }

    void smallAliasesAreAccepted()
    {
        Document doc;
        const auto d = parse("base: &b {tool: t, allowed_hosts: [a.com]}\nrules: [*b, *b]\n", doc);
        QVERIFY(d.empty());
        const Node &rules = doc.node(doc.root().children[3]);
        QCOMPARE(rules.children.size(), size_t(2));
        QCOMPARE(rules.children[0], rules.children[1]); // shared, not copied
    }

    void deepNesting_data()
    {
        QTest::addColumn<QString>("open");
        QTest::addColumn<QString>("close");
        QTest::newRow("flow-seq") << QStringLiteral("[") << QStringLiteral("]");
        QTest::newRow("flow-map") << QStringLiteral("{a: ") << QStringLiteral("}");
    }

    void deepNesting()
    {
        QFETCH(QString, open);
        QFETCH(QString, close);
        std::string text = "x: ";
        for (int i = 0; i < 100000; ++i)
            text += open.toStdString();
        for (int i = 0; i < 100000; ++i)
            text += close.toStdString();
        Document doc;
        const auto d = parse(text, doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E003"));
    }

    void deepBlockNesting()
    {
        std::string text;
        for (int i = 0; i < 300; ++i)
            text += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
        Document doc;
        const auto d = parse(text, doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E003"));
    }

    void hugeScalar()
    {
        const std::string text = "description: " + std::string(3u << 20, 'A') + "\n";
        Document doc;
        const auto d = parse(text, doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E002"));
    }

    void hugeFile()
    {
        Limits l;
        l.maxBytes = 1000;
        Document doc;
        const auto d = parse(std::string(2000, '#'), doc, l);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E002"));
    }

    void emptyInputs_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("blank") << QStringLiteral("   \n\n");
        QTest::newRow("comment") << QStringLiteral("# only\n");
        QTest::newRow("null") << QStringLiteral("~\n");
        QTest::newRow("marker") << QStringLiteral("---\n...\n");
    }

    void emptyInputs()
    {
        QFETCH(QString, text);
        Document doc;
        const auto d = parse(text.toStdString(), doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E005"));
    }

    void binaryGarbageNeverCrashes()
    {
        auto *rng = QRandomGenerator::global();
        for (int round = 0; round < 300; ++round) {
            std::string text(static_cast<size_t>(rng->bounded(1, 4096)), '\0');
            for (auto &c : text)
                c = static_cast<char>(rng->bounded(256));
            if (round % 2)
                for (auto &c : text)
                    c = "{}[]:,-&*!|>'\"#\n ab"[static_cast<unsigned char>(c) % 20];
            Document doc;
            const auto d = parse(text, doc);
            if (!d.empty()) {
                QVERIFY(d[0].begin.line >= 1);
                QVERIFY(!d[0].code.empty());
            }
        }
    }

    void nulAndUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("line");
        QTest::newRow("nul") << QByteArray("a: 1\nb: \0x\n", 11) << 2;
        QTest::newRow("latin1") << QByteArray("a: 1\nb: caf\xe9\n") << 2;
        QTest::newRow("overlong") << QByteArray("a: \xc0\xaf\n") << 1;
        QTest::newRow("surrogate") << QByteArray("a: \xed\xa0\x80\n") << 1;
    }

    void nulAndUtf8()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, line);
        Document doc;
        const auto d = parse(bytes.toStdString(), doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E004"));
        QCOMPARE(d[0].begin.line, line);
    }

    void syntaxErrorHasPosition()
    {
        Document doc;
        const auto d = parse("a: 1\nb: [1, 2\nc: 3\n", doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E001"));
        QVERIFY(d[0].begin.line >= 2);
    }

    void asJson_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("json");
        QTest::newRow("core schema") << "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: ~\ng: null\nh:\ni: 1e3\nj: +7\n"
                                     << "{\"a\":1,\"b\":-2,\"c\":1.5,\"d\":true,\"e\":false,\"f\":null,\"g\":null,\"h\":null,\"i\":1000,\"j\":7}";
        QTest::newRow("quoted stays text") << "a: '1'\nb: \"true\"\nc: |\n  x\n" << "{\"a\":\"1\",\"b\":\"true\",\"c\":\"x\\n\"}";
        QTest::newRow("yaml 1.1 words are text") << "a: yes\nb: 0x1F\nc: 1_000\nd: .inf\n" << "{\"a\":\"yes\",\"b\":\"0x1F\",\"c\":\"1_000\",\"d\":\".inf\"}";
        QTest::newRow("nesting") << "l: [1, {k: [a, \"b\"]}]\nm: {}\ns: []\n" << "{\"l\":[1,{\"k\":[\"a\",\"b\"]}],\"m\":{},\"s\":[]}";
        QTest::newRow("aliases expand") << "a: &x {k: v}\nb: *x\n" << "{\"a\":{\"k\":\"v\"},\"b\":{\"k\":\"v\"}}";
        QTest::newRow("escapes") << "a: \"q\\\"\\n\\u0001\"\n" << "{\"a\":\"q\\\"\\n\\u0001\"}";
        QTest::newRow("leading zeros") << "a: 007\nb: -0\nc: +00\nd: -010\n" << "{\"a\":7,\"b\":0,\"c\":0,\"d\":-10}";
        QTest::newRow("almost numbers are text") << "a: 1.2.3\nb: 1e\nc: .\ne: 1e5x\n"
                                                 << "{\"a\":\"1.2.3\",\"b\":\"1e\",\"c\":\".\",\"e\":\"1e5x\"}";
        QTest::newRow("an integer past 18 digits is a float") << "a: 123456789012345678901234567890\n" << "{\"a\":1.2345678901234568e+29}";
    }

    void asJson()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, json);
        Document doc;
        const auto d = parse(yaml.toStdString(), doc);
        QVERIFY(d.empty());
        QCOMPARE(QString::fromStdString(doc.toJson()), json);
    }

    // Hostile input: digits by the ten thousand (a regular expression engine
    // would recurse once per character), and aliases that multiply the text.
    void asJsonIsBounded()
    {
        Document doc;
        QVERIFY(parse("a: " + std::string(200000, '7') + "\nb: -" + std::string(200000, '1') + ".5\n", doc).empty());
        const std::string json = doc.toJson();
        QVERIFY(json.size() > 400000); // too large for a double: kept as text
        // A large scalar repeated: refused when parsed, by its bytes (the
        // loader and the validator copy every expanded string).
        Document bomb;
        std::string text = "a: &x \"" + std::string(100000, 'x') + "\"\nb: [";
        for (int i = 0; i < 1000; ++i)
            text += i ? ", *x" : "*x";
        const auto d = parse(text + "]\n", bomb);
        QCOMPARE(d.size(), std::size_t(1));
        QCOMPARE(d[0].code, std::string("E002"));
        QVERIFY(d[0].message.find("bytes of text") != std::string::npos);
        // Within the limit, the JSON is still bounded by its caller.
        Document some;
        text = "a: &x \"" + std::string(100000, 'x') + "\"\nb: [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n";
        QVERIFY(parse(text, some).empty());
        QVERIFY(some.toJson(1u << 20).empty());
        QVERIFY(!some.toJson(4u << 20).empty());
    }

    void undefinedAlias()
    {
        Document doc;
        const auto d = parse("a: *nothing\n", doc);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].code, std::string("E001"));
    }
};

QTEST_GUILESS_MAIN(TstYamlTree)
#include "tst_yamltree.moc"
