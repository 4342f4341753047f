// PolicyLexer in a PolicyEditor, offscreen: the style QScintilla holds at
// byte positions of a sample policy (YAML and condition tokens, after UTF-8
// text), incremental restyling equal to a full restyle after edits, fold
// levels by indentation, and the light and dark palettes' contrast.
#include "lexer/policylexer.h"
#include "lexer/policystyler.h"
#include "editor/policyeditor.h"

#include <QTest>

#include <cmath>

using osh::ui::PolicyEditor;
using osh::ui::PolicyLexer;
using osh::ui::PolicyStyle;

namespace {

const char *const kSample = R"yaml(# Sample policy: every kind of token
---
version: 1
name: "sample"
sandbox: &sb
  max_memory_mb: 2048
  allow_network: false
policies:
  - name: é-pii                   # UTF-8 shifts every byte below
    trigger: data_output
    condition: contains_pii(output) and session.total_cost > 5.0
    action: redact
  - name: quoted
    trigger: tool_call
    condition: "tool.name == 'email_send' or foo(1)"
    action: block
  - name: broken
    trigger: tool_call
    condition: tool.name = 'x' and len(tool.args) >= 2
    action: block
  - name: folded
    trigger: tool_call
    condition: |
      tool.name in ['a', 'b']
      and not lower(tool.name) == "c"
    action: log
  - name: continued
    trigger: tool_call
    condition: tool.calls_in_last_minute > 3
      or starts_with(tool.name, 'rm')
    action: block
  - {name: flow, trigger: tool_call, condition: upper(tool.name) == 'X', action: allow}
other: *sb
)yaml";

int styleAt(PolicyEditor &e, long pos)
{
    return static_cast<int>(e.SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(pos)));
}

void colourise(PolicyEditor &e)
{
    e.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0UL, -1L);
}

QByteArray allStyles(PolicyEditor &e)
{
    const long n = e.SendScintilla(QsciScintillaBase::SCI_GETLENGTH);
    QByteArray out;
    for (long i = 0; i < n; ++i)
        out += static_cast<char>(styleAt(e, i));
    return out;
}

// WCAG 2 contrast ratio.
double luminance(const QColor &c)
{
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}
double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor fromBgr(long bgr)
{
    return QColor(
        static_cast<int>(bgr & 0xff), static_cast<int>((bgr >> 8) & 0xff), static_cast<int>((bgr >> 16) & 0xff));
}

} // namespace

class TestPolicyLexer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void styles_data()
    {
        QTest::addColumn<QByteArray>("after"); // where to start looking
        QTest::addColumn<QByteArray>("needle"); // its first byte is checked, and its last
        QTest::addColumn<int>("style");
        auto row = [](const char *name, const char *after, const char *needle, PolicyStyle s) {
            QTest::newRow(name) << QByteArray(after) << QByteArray(needle) << static_cast<int>(s);
        };
        row("comment", "", "# Sample", PolicyStyle::Comment);
        row("document marker", "", "---", PolicyStyle::DocumentMarker);
        row("key", "", "version", PolicyStyle::Key);
        row("colon", "version", ":", PolicyStyle::Punctuation);
        row("number", "version:", "1", PolicyStyle::Number);
        row("quoted string", "name:", "\"sample\"", PolicyStyle::String);
        row("anchor", "sandbox:", "&sb", PolicyStyle::Anchor);
        row("alias", "other:", "*sb", PolicyStyle::Anchor);
        row("boolean", "allow_network:", "false", PolicyStyle::Constant);
        row("sequence dash", "policies:", "-", PolicyStyle::Punctuation);
        row("plain after UTF-8", "name: ", "é-pii", PolicyStyle::Scalar);
        row("trailing comment", "é-pii", "# UTF-8", PolicyStyle::Comment);
        row("plain scalar", "trigger:", "data_output", PolicyStyle::Scalar);
        row("condition key", "data_output", "condition", PolicyStyle::Key);
        row("function", "condition:", "contains_pii", PolicyStyle::CondFunction);
        row("call paren", "contains_pii", "(", PolicyStyle::CondOperator);
        row("variable", "contains_pii(", "output", PolicyStyle::CondVariable);
        row("keyword and", "output)", "and", PolicyStyle::CondKeyword);
        row("member path", "and ", "session.total_cost", PolicyStyle::CondVariable);
        row("operator", "total_cost", ">", PolicyStyle::CondOperator);
        row("condition number", "total_cost >", "5.0", PolicyStyle::CondNumber);
        row("value after condition", "5.0", "redact", PolicyStyle::Scalar);
        row("yaml quote around condition", "name: quoted\n    trigger: tool_call\n    condition: ", "\"",
            PolicyStyle::String);
        row("variable in quotes", "name: quoted", "tool.name", PolicyStyle::CondVariable);
        row("string in condition", "name: quoted", "'email_send'", PolicyStyle::CondString);
        row("keyword or", "'email_send'", "or", PolicyStyle::CondKeyword);
        row("unknown function", "'email_send' or", "foo", PolicyStyle::CondVariable);
        row("error token", "name: broken", "=", PolicyStyle::CondError);
        row("string after error", "tool.name =", "'x'", PolicyStyle::CondString);
        row("function after error", "'x' and", "len", PolicyStyle::CondFunction);
        row("operator after error", "len(tool.args)", ">=", PolicyStyle::CondOperator);
        row("block indicator", "name: folded", "|", PolicyStyle::BlockIndicator);
        row("block: variable", "name: folded", "tool.name", PolicyStyle::CondVariable);
        row("block: in", "name: folded", "in", PolicyStyle::CondKeyword);
        row("block: list string", "['a', ", "'b'", PolicyStyle::CondString);
        row("block: not", "name: folded", "not", PolicyStyle::CondKeyword);
        row("block: function", "name: folded", "lower", PolicyStyle::CondFunction);
        row("block: double-quoted string", "name: folded", "\"c\"", PolicyStyle::CondString);
        row("after block", "\"c\"", "action", PolicyStyle::Key);
        row("after block value", "\"c\"", "log", PolicyStyle::Scalar);
        row("continued: first line", "name: continued", "tool.calls_in_last_minute", PolicyStyle::CondVariable);
        row("continued: keyword", "name: continued", "or", PolicyStyle::CondKeyword);
        row("continued: function", "name: continued", "starts_with", PolicyStyle::CondFunction);
        row("continued: string", "name: continued", "'rm'", PolicyStyle::CondString);
        row("flow key", "{", "name", PolicyStyle::Key);
        row("flow brace", "- ", "{", PolicyStyle::Punctuation);
        row("flow condition function", "{name: flow", "upper", PolicyStyle::CondFunction);
        row("flow condition string", "{name: flow", "'X'", PolicyStyle::CondString);
        row("flow value", "'X',", "allow", PolicyStyle::Scalar);
    }

    void styles()
    {
        QFETCH(QByteArray, after);
        QFETCH(QByteArray, needle);
        QFETCH(int, style);
        const QByteArray utf8(kSample);
        const qsizetype from = utf8.indexOf(after);
        QVERIFY(from >= 0);
        const qsizetype at = utf8.indexOf(needle, from + after.size());
        QVERIFY2(at >= 0, needle.constData());
        const qsizetype last = at + needle.size() - 1;

        // In the editor (byte positions, as QScintilla styles)...
        PolicyEditor e;
        e.setText(QString::fromUtf8(utf8));
        colourise(e);
        QCOMPARE(styleAt(e, at), style);
        QCOMPARE(styleAt(e, last), style);
        // ...and from the styler alone.
        const auto styled = osh::ui::stylePolicyText(
            std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())), utf8.size());
        QCOMPARE(styled.styles.size(), static_cast<size_t>(utf8.size()));
        QCOMPARE(static_cast<int>(styled.styles[static_cast<size_t>(at)]), style);
    }

    // Styling only what QScintilla asks for, after edits that open and close
    // multi-line constructs, must end where styling everything anew ends.
    void incrementalEqualsFull()
    {
        PolicyEditor e;
        e.setText(QString::fromUtf8(kSample));
        colourise(e);
        struct Edit
        {
            const char *find;
            const char *replace;
        };
        const Edit edits[] = {
            {"      and not lower", "     and not lower"}, // still inside the block scalar
            {"    action: log", "      action: log"}, // the block scalar swallows it
            {"      action: log", "    action: log"}, // and lets it go again
            {"condition: |", "condition: >-"},
            {"    action: block\n  - name: broken", "      and true\n    action: block\n  - name: broken"},
            {"name: \"sample\"", "name: \"sam\n  ple\""}, // a quoted scalar over two lines
            {"\"sam\n  ple\"", "\"sample\""},
            {"condition: tool.name = 'x'", "condition: 'tool.name == \"x\"'"},
            {"'tool.name == \"x\"'", "'unterminated"},
            {"- {name: flow", "- [name: flow"},
        };
        for (const auto &edit : edits) {
            const QByteArray before = e.text().toUtf8();
            const qsizetype at = before.indexOf(edit.find);
            QVERIFY2(at >= 0, edit.find);
            e.SendScintilla(QsciScintillaBase::SCI_SETTARGETRANGE, static_cast<unsigned long>(at),
                static_cast<long>(at + qstrlen(edit.find)));
            e.SendScintilla(
                QsciScintillaBase::SCI_REPLACETARGET, static_cast<unsigned long>(qstrlen(edit.replace)), edit.replace);
            colourise(e);
            const QByteArray incremental = allStyles(e);

            PolicyEditor fresh;
            fresh.setText(e.text());
            colourise(fresh);
            QVERIFY2(incremental == allStyles(fresh), edit.replace);
        }
    }

    void foldLevels()
    {
        PolicyEditor e;
        e.resize(600, 400);
        e.setText(QString::fromUtf8(kSample));
        colourise(e);
        auto lineOf = [&](const char *needle) {
            for (int l = 0; l < e.lines(); ++l)
                if (e.text(l).startsWith(QString::fromUtf8(needle)))
                    return l;
            return -1;
        };
        auto level = [&](int line) {
            return static_cast<int>(
                e.SendScintilla(QsciScintillaBase::SCI_GETFOLDLEVEL, static_cast<unsigned long>(line)));
        };
        const int policies = lineOf("policies:");
        const int firstPolicy = lineOf("  - name: é-pii");
        const int trigger = lineOf("    trigger: data_output");
        const int version = lineOf("version:");
        QVERIFY(policies > 0 && firstPolicy > 0 && trigger > 0 && version > 0);
        QVERIFY(level(policies) & QsciScintillaBase::SC_FOLDLEVELHEADERFLAG);
        QVERIFY(level(firstPolicy) & QsciScintillaBase::SC_FOLDLEVELHEADERFLAG);
        QVERIFY(!(level(trigger) & QsciScintillaBase::SC_FOLDLEVELHEADERFLAG));
        QVERIFY(!(level(version) & QsciScintillaBase::SC_FOLDLEVELHEADERFLAG));
        const int mask = QsciScintillaBase::SC_FOLDLEVELNUMBERMASK;
        QVERIFY((level(policies) & mask) < (level(firstPolicy) & mask));
        QVERIFY((level(firstPolicy) & mask) < (level(trigger) & mask));
        QCOMPARE(level(version) & mask, level(policies) & mask);

        // Folding "policies:" hides every policy and nothing after them.
        e.SendScintilla(
            QsciScintillaBase::SCI_FOLDLINE, static_cast<unsigned long>(policies), 0L); // SC_FOLDACTION_CONTRACT
        auto visible = [&](int line) {
            return e.SendScintilla(QsciScintillaBase::SCI_GETLINEVISIBLE, static_cast<unsigned long>(line)) != 0;
        };
        const int other = lineOf("other:");
        QVERIFY(visible(policies));
        QVERIFY(!visible(firstPolicy));
        QVERIFY(!visible(other - 1));
        QVERIFY(visible(other));
    }

    void palettes()
    {
        for (const bool dark : {false, true}) {
            for (int s = 0; s < osh::ui::kPolicyStyleCount; ++s) {
                const double c = contrast(PolicyLexer::foreground(s, dark), PolicyLexer::background(s, dark));
                QVERIFY2(c >= 4.5, qPrintable(QStringLiteral("style %1 dark %2: contrast %3").arg(s).arg(dark).arg(c)));
            }
        }
        // Light and dark differ in every style's background, and the editor follows.
        PolicyEditor e;
        e.setText(QString::fromUtf8(kSample));
        colourise(e);
        const int key = static_cast<int>(PolicyStyle::Key);
        auto back = [&](int style) {
            return fromBgr(e.SendScintilla(QsciScintillaBase::SCI_STYLEGETBACK, static_cast<unsigned long>(style)));
        };
        auto fore = [&](int style) {
            return fromBgr(e.SendScintilla(QsciScintillaBase::SCI_STYLEGETFORE, static_cast<unsigned long>(style)));
        };
        QCOMPARE(back(key), PolicyLexer::background(key, false));
        QCOMPARE(fore(key), PolicyLexer::foreground(key, false));
        QVERIFY(luminance(back(QsciScintillaBase::STYLE_DEFAULT)) > 0.8);
        e.setDarkMode(true);
        QVERIFY(e.isDarkMode());
        QCOMPARE(back(key), PolicyLexer::background(key, true));
        QCOMPARE(fore(key), PolicyLexer::foreground(key, true));
        QVERIFY(luminance(back(QsciScintillaBase::STYLE_DEFAULT)) < 0.05);
        QVERIFY(luminance(back(QsciScintillaBase::STYLE_LINENUMBER)) < 0.05);
        for (int s = 0; s < osh::ui::kPolicyStyleCount; ++s) {
            QVERIFY(PolicyLexer::background(s, true) != PolicyLexer::background(s, false));
            QVERIFY(contrast(fore(s), back(s)) >= 4.5);
        }
        e.setDarkMode(false);
        QCOMPARE(back(key), PolicyLexer::background(key, false));
        QVERIFY(luminance(back(QsciScintillaBase::STYLE_DEFAULT)) > 0.8);
    }

    // Lines that are not a policy still get styled, and malformed YAML never
    // leaves bytes unstyled or crashes.
    void malformedInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("unclosed flow") << QByteArray("a: [1, 2\nb: 3\n");
        QTest::newRow("unclosed quote") << QByteArray("condition: 'abc\n");
        QTest::newRow("only indicator") << QByteArray("condition: |");
        QTest::newRow("bad escape in condition") << QByteArray("condition: \"x == '\\q' and y\"\n");
        QTest::newRow("control bytes") << QByteArray("condition: a \x01 b\r\nk: v\r\n");
        QTest::newRow("crlf") << QByteArray("a: 1\r\n  # c\r\nb: {x: y}\r\n");
        QTest::newRow("invalid utf-8") << QByteArray("condition: tool.name == '\xff'\n");
    }

    void malformedInput()
    {
        QFETCH(QByteArray, text);
        const auto styled
            = osh::ui::stylePolicyText(std::string_view(text.constData(), static_cast<size_t>(text.size())), 0);
        // Stopping early is allowed, at a line start; what was styled is whole lines.
        QVERIFY(styled.styles.size() <= static_cast<size_t>(text.size()));
        const auto all = osh::ui::stylePolicyText(
            std::string_view(text.constData(), static_cast<size_t>(text.size())), text.size());
        QCOMPARE(all.styles.size(), static_cast<size_t>(text.size()));
        for (char s : all.styles)
            QVERIFY(static_cast<int>(s) < osh::ui::kPolicyStyleCount);
    }

    void badEscapeResumesAfterString()
    {
        const QByteArray text("condition: \"x == '\\\\q' and y\"\n");
        // YAML decodes \\ to one backslash: the condition reads x == '\q' and y.
        const auto styled = osh::ui::stylePolicyText(
            std::string_view(text.constData(), static_cast<size_t>(text.size())), text.size());
        const auto styleOf = [&](const char *needle) {
            return static_cast<PolicyStyle>(styled.styles[static_cast<size_t>(text.indexOf(needle))]);
        };
        QCOMPARE(styleOf("\\\\q"), PolicyStyle::CondError);
        QCOMPARE(styleOf("and"), PolicyStyle::CondKeyword);
        QCOMPARE(styleOf("y\""), PolicyStyle::CondVariable);
    }
};

QTEST_MAIN(TestPolicyLexer)
#include "tst_policylexer.moc"
