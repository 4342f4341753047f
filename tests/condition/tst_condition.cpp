// Condition language: parsing (precedence, associativity, every operator),
// syntax errors with exact ranges, canonical form, constant folding, limits.

#include "conditiontestutil.h"

#include <QElapsedTimer>
#include <QTest>

using namespace osh;
using namespace osh::cond;
using namespace osh::cond::test;

class TstCondition : public QObject
{
    Q_OBJECT

private slots:
    void precedence_data();
    void precedence();
    void syntaxErrors_data();
    void syntaxErrors();
    void canonical_data();
    void canonical();
    void canonicalDistinguishes();
    void constantFolding_data();
    void constantFolding();
    void limits_data();
    void limits();
    void limitsAreFast();
    void defaultConditionIsInvalid();
    void copiesShareState();
    void variablesAndUses();
    void builtinFunctionTable();
};

// Constant expressions whose value depends on precedence and associativity.
void TstCondition::precedence_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("expected");
    QTest::newRow("* before +") << QByteArray("1 + 2 * 3 == 7") << true;
    QTest::newRow("parens override") << QByteArray("(1 + 2) * 3 == 9") << true;
    QTest::newRow("- left assoc") << QByteArray("10 - 4 - 3 == 3") << true;
    QTest::newRow("/ left assoc") << QByteArray("8 / 4 / 2 == 1") << true;
    QTest::newRow("* % left assoc") << QByteArray("2 * 3 % 4 == 2") << true;
    QTest::newRow("% * left assoc") << QByteArray("7 % 4 * 2 == 6") << true;
    QTest::newRow("true division") << QByteArray("7 / 2 == 3.5") << true;
    QTest::newRow("int %") << QByteArray("7 % 3 == 1") << true;
    QTest::newRow("floored % neg dividend") << QByteArray("-7 % 3 == 2") << true;
    QTest::newRow("floored % neg divisor") << QByteArray("7 % -3 == -2") << true;
    QTest::newRow("float %") << QByteArray("-7.5 % 2 == 0.5") << true;
    QTest::newRow("unary minus binds tighter") << QByteArray("-2 * 3 == -6") << true;
    QTest::newRow("double minus") << QByteArray("- -2 == 2") << true;
    QTest::newRow("minus of group") << QByteArray("-(1 + 2) == -3") << true;
    QTest::newRow("not over or") << QByteArray("not true or true") << true;
    QTest::newRow("not of group") << QByteArray("not (true or true)") << false;
    QTest::newRow("and before or") << QByteArray("true or false and false") << true;
    QTest::newRow("group or") << QByteArray("(true or false) and false") << false;
    QTest::newRow("not over comparison") << QByteArray("not 1 == 2") << true;
    QTest::newRow("not not") << QByteArray("not not true") << true;
    QTest::newRow("+ before ==") << QByteArray("1 + 1 == 2") << true;
    QTest::newRow("+ before <") << QByteArray("1 + 1 < 3") << true;
    QTest::newRow("+ before in") << QByteArray("1 + 1 in [2]") << true;
    QTest::newRow("comparison before and") << QByteArray("1 < 2 and 2 < 3") << true;
    QTest::newRow("!=") << QByteArray("1 != 2") << true;
    QTest::newRow("<") << QByteArray("2 < 2") << false;
    QTest::newRow("<=") << QByteArray("2 <= 2") << true;
    QTest::newRow(">") << QByteArray("3 > 2.5") << true;
    QTest::newRow(">=") << QByteArray("2 >= 2.5") << false;
    QTest::newRow("int float ==") << QByteArray("1 == 1.0") << true;
    QTest::newRow("string <") << QByteArray("'abc' < 'abd'") << true;
    QTest::newRow("in list") << QByteArray("2 in [1, 2]") << true;
    QTest::newRow("in list int/float") << QByteArray("2.0 in [1, 2]") << true;
    QTest::newRow("not in list") << QByteArray("3 not in [1, 2]") << true;
    QTest::newRow("in string") << QByteArray("'b' in 'abc'") << true;
    QTest::newRow("not in string") << QByteArray("'d' not in 'abc'") << true;
    QTest::newRow("string +") << QByteArray("'a' + 'b' == 'ab'") << true;
    QTest::newRow("list +") << QByteArray("[1] + [2] == [1, 2]") << true;
    QTest::newRow("index") << QByteArray("[1, 2][1] == 2") << true;
    QTest::newRow("negative index") << QByteArray("[1, 2][-1] == 2") << true;
    QTest::newRow("index out of range") << QByteArray("[1, 2][5] == null") << true;
    QTest::newRow("postfix before unary") << QByteArray("-[1, 2][0] == -1") << true;
    QTest::newRow("null == null") << QByteArray("null == null") << true;
    QTest::newRow("null ordering") << QByteArray("null < 1") << false;
    QTest::newRow("len") << QByteArray("len('h\xc3\xa9llo') == 5") << true;
    QTest::newRow("lower") << QByteArray("lower('ABC') == 'abc'") << true;
    QTest::newRow("upper unicode") << QByteArray("upper('\xc3\xa9') == '\xc3\x89'") << true;
    QTest::newRow("starts_with") << QByteArray("starts_with('abc', 'ab')") << true;
    QTest::newRow("ends_with") << QByteArray("ends_with('abc', 'ab')") << false;
    QTest::newRow("matches partial") << QByteArray("matches('abc', 'b')") << true;
    QTest::newRow("matches anchored") << QByteArray("matches('abc', '^b')") << false;
    QTest::newRow("escapes") << QByteArray("'a\\'b\\\"c\\\\\\n\\t\\r' == \"a'b\\\"c\\\\\\n\\t\\r\"") << true;
    QTest::newRow("unicode escape") << QByteArray("'\\u00e9' == '\xc3\xa9'") << true;
    QTest::newRow("surrogate pair") << QByteArray("len('\\ud83d\\ude00') == 1") << true;
    QTest::newRow("exponent") << QByteArray("1e3 == 1000") << true;
}

void TstCondition::precedence()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, expected);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    QVERIFY(c.constantValue().has_value());
    QCOMPARE(*c.constantValue(), expected);
    // The evaluator agrees with the folded value.
    const auto r = c.evaluate(TestContext());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.value, expected);
}

void TstCondition::syntaxErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("begin");
    QTest::addColumn<int>("end");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("suggestion");
    const QString e70 = QStringLiteral("E070");
    const QString e78 = QStringLiteral("E078");
    auto row = [](const char *name, const QByteArray &t, const QString &code, int b, int e, const char *msg,
                   const char *sugg = "") {
        QTest::newRow(name) << t << code << b << e << QString::fromUtf8(msg) << QString::fromUtf8(sugg);
    };
    row("empty", "", e70, 0, 0, "empty condition");
    row("blank", "  \t", e70, 0, 3, "empty condition");
    row("single =", "tool.name = 'a'", e70, 10, 11, "'=' is not an operator; did you mean '=='?", "==");
    row("&&", "true && false", e70, 5, 7, "'&&' is not an operator; did you mean 'and'?", "and");
    row("||", "true || false", e70, 5, 7, "'||' is not an operator; did you mean 'or'?", "or");
    row("!", "!true", e70, 0, 1, "'!' is not an operator; did you mean 'not'?", "not");
    row("&", "true & false", e70, 5, 6, "'&' is not an operator; did you mean 'and'?", "and");
    row("unterminated string", "tool.name == 'abc", e70, 13, 17, "unterminated string");
    row("unterminated after escape", "'abc\\", e70, 4, 5, "unterminated string");
    row("unclosed paren", "(tool.name == 'a'", e70, 17, 17, "expected ')' to close '(' at offset 0");
    row("unclosed paren token", "(1 == 1 true", e70, 8, 12, "expected ')' to close '(' at offset 0");
    row("unclosed list", "tool.name in ['a', 'b'", e70, 22, 22, "expected ',' or ']' to close '[' at offset 13");
    row("unclosed call", "len(output", e70, 10, 10, "expected ',' or ')' to close '(' at offset 3");
    row("missing comma in call", "starts_with(a b)", e70, 14, 15, "expected ',' or ')' to close '(' at offset 11");
    row("unclosed index", "tool.args['to' == 1", e70, 19, 19, "expected ']' to close '[' at offset 9");
    row("dangling operator", "tool.name ==", e70, 12, 12, "unexpected end of expression");
    row("dangling and", "true and", e70, 8, 8, "unexpected end of expression");
    row("chained comparison", "1 < 2 < 3", e70, 6, 7, "comparisons cannot be chained; combine them with 'and'");
    row("two values", "true false", e70, 5, 10,
        "unexpected 'false'; expected an operator or the end of the expression");
    row("two names", "a b", e70, 2, 3, "unexpected name 'b'; expected an operator");
    row("stray )", "true)", e70, 4, 5, "unexpected ')' without a matching '('");
    row("stray ]", "true]", e70, 4, 5, "unexpected ']' without a matching '['");
    row("is", "tool.name is null", e70, 10, 12, "'is' is not an operator; use '==' or '!='", "==");
    row("AND", "true AND false", e70, 5, 8, "'AND' is not an operator; did you mean 'and'?", "and");
    row("Or", "true Or false", e70, 5, 7, "'Or' is not an operator; did you mean 'or'?", "or");
    row("bad escape", "'a\\qb'", e70, 2, 4, "invalid escape '\\q'");
    row("short \\u", "'\\u12'", e70, 1, 5, "invalid \\u escape: expected four hex digits");
    row("lone high surrogate", "'\\ud800x'", e70, 1, 7, "high surrogate without a low surrogate");
    row("lone low surrogate", "'\\udc00'", e70, 1, 7, "unpaired low surrogate");
    row("number with letters", "12abc == 1", e70, 0, 5, "invalid number '12abc'");
    row("two dots", "1.5.3 == 1", e70, 0, 5, "invalid number '1.5.3'");
    row("int overflow", "99999999999999999999 > 1", e70, 0, 20, "integer out of range");
    row("float overflow", "1e999 > 1", e70, 0, 5, "number out of range");
    row("unexpected char", "true # x", e70, 5, 6, "unexpected character '#'");
    row("non-ascii char", "true \xc3\xa9", e70, 5, 7, "unexpected character '\xc3\xa9'");
    row("invalid utf8", "true \xff", e70, 5, 6, "invalid UTF-8 byte");
    row("invalid utf8 in string", "'a\xff'", e70, 2, 3, "invalid UTF-8 in string");
    row("control char", "true\x01", e70, 4, 5, "unexpected control character");
    row("dot at end", "tool.", e70, 5, 5, "unexpected end of expression");
    row("dot number", "tool.5 == 1", e70, 5, 6, "expected a member name after '.'");
    row("not without in", "1 not 2", e70, 2, 5, "unexpected 'not'; did you mean 'not in'?", "not in");
    row("not inside arithmetic", "1 + not true", e70, 4, 7, "'not' needs parentheses here");
    row("empty parens", "()", e70, 1, 2, "unexpected ')'; expected a value");
    row("trailing comma", "1 in [1,]", e70, 8, 9, "unexpected ']'; expected a value");
    row("leading operator", "== 1", e70, 0, 2, "unexpected '=='; expected a value");
    row("unary plus", "+1 > 0", e70, 0, 1, "unexpected '+'; expected a value");
    row("first error wins", "(a = 1", e70, 3, 4, "'=' is not an operator", "==");
    row("nesting parens", QByteArray(65, '(') + "true" + QByteArray(65, ')'), e78, 64, 65, "nesting too deep");
    row("nesting not", QByteArray("not ").repeated(65) + "true", e78, 256, 259, "nesting too deep");
    row("nesting minus", QByteArray("-").repeated(65) + "1 > 0", e78, 64, 65, "nesting too deep");
    row("nesting lists", QByteArray(65, '[') + QByteArray(65, ']'), e78, 64, 65, "nesting too deep");
    row("nesting index", "[0]" + QByteArray("[0]").repeated(64) + " == 0", e78, 0, 195, "nesting too deep");
    row("tall chain", "1" + QByteArray(" + 1").repeated(65) + " > 0", e78, 0, 261, "nesting too deep");
}

void TstCondition::syntaxErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, code);
    QFETCH(int, begin);
    QFETCH(int, end);
    QFETCH(QString, message);
    QFETCH(QString, suggestion);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
    QVERIFY(!c.isValid());
    QVERIFY(!c.constantValue());
    QCOMPARE(int(diags.size()), 1); // the parser stops at the first syntax error
    const auto &d = diags.front();
    QCOMPARE(QString::fromStdString(d.code), code);
    QCOMPARE(d.severity, Severity::Error);
    QCOMPARE(d.range.begin, begin);
    QCOMPARE(d.range.end, end);
    QVERIFY2(QString::fromStdString(d.message).contains(message), d.message.c_str());
    QCOMPARE(QString::fromStdString(d.suggestion), suggestion);
    const auto r = c.evaluate(TestContext());
    QVERIFY(!r.ok);
}

void TstCondition::canonical_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("spacing and quotes") << QByteArray("tool.name==\"a\"") << QByteArray("tool.name == 'a'");
    QTest::newRow("redundant parens") << QByteArray("((tool.name == 'a'))") << QByteArray("tool.name == 'a'");
    QTest::newRow("bracket member") << QByteArray("tool.args['to']=='x'") << QByteArray("tool.args.to == 'x'");
    QTest::newRow("non-identifier key") << QByteArray("tool.args[\"x-y\"] == 1") << QByteArray("tool.args['x-y'] == 1");
    QTest::newRow("keyword member") << QByteArray("tool.args['in'] == 1") << QByteArray("tool.args.in == 1");
    QTest::newRow("flatten and") << QByteArray("true and (tool.name == 'a' and (false))")
                                 << QByteArray("true and tool.name == 'a' and false");
    QTest::newRow("keep or in and") << QByteArray("(tool.name == 'a' or true) and false")
                                    << QByteArray("(tool.name == 'a' or true) and false");
    QTest::newRow("drop and in or") << QByteArray("(true and false) or tool.name == 'a'")
                                    << QByteArray("true and false or tool.name == 'a'");
    QTest::newRow("sum") << QByteArray("1+(2*3)==7") << QByteArray("1 + 2 * 3 == 7");
    QTest::newRow("keep product group") << QByteArray("(1+2)*3==9") << QByteArray("(1 + 2) * 3 == 9");
    QTest::newRow("right assoc needs parens") << QByteArray("1-(2-3)==2") << QByteArray("1 - (2 - 3) == 2");
    QTest::newRow("left assoc drops parens") << QByteArray("(1-2)-3==-4") << QByteArray("1 - 2 - 3 == -4");
    QTest::newRow("not comparison") << QByteArray("not (tool.name == 'a')") << QByteArray("not tool.name == 'a'");
    QTest::newRow("not operand of ==") << QByteArray("(not true) == false") << QByteArray("(not true) == false");
    QTest::newRow("comparison operand") << QByteArray("(1 < 2) == true") << QByteArray("(1 < 2) == true");
    QTest::newRow("neg group") << QByteArray("-(1 + 2) < 0") << QByteArray("-(1 + 2) < 0");
    QTest::newRow("neg postfix") << QByteArray("(-[1][0]) < 0") << QByteArray("-[1][0] < 0");
    QTest::newRow("postfix of neg") << QByteArray("(-tool.args).x == 1") << QByteArray("(-tool.args).x == 1");
    QTest::newRow("quote escaping") << QByteArray("output == \"it's\\n\"") << QByteArray("output == 'it\\'s\\n'");
    QTest::newRow("unicode escape") << QByteArray("output == \"\\u00e9\"") << QByteArray("output == '\xc3\xa9'");
    QTest::newRow("control char") << QByteArray("output == '\\u0001'") << QByteArray("output == '\\u0001'");
    QTest::newRow("float") << QByteArray("1.50 == 1.5") << QByteArray("1.5 == 1.5");
    QTest::newRow("integral float") << QByteArray("2.0 > 1") << QByteArray("2.0 > 1");
    QTest::newRow("exponent") << QByteArray("1e3 > 5") << QByteArray("1000.0 > 5");
    QTest::newRow("list") << QByteArray("tool.name   in['a' ,'b']") << QByteArray("tool.name in ['a', 'b']");
    QTest::newRow("not in") << QByteArray("'a'not   in tool.name") << QByteArray("'a' not in tool.name");
    QTest::newRow("call") << QByteArray("len( tool.name )>0") << QByteArray("len(tool.name) > 0");
    QTest::newRow("call two args") << QByteArray("starts_with(tool.name,'a')")
                                   << QByteArray("starts_with(tool.name, 'a')");
    QTest::newRow("literals") << QByteArray("null==null") << QByteArray("null == null");
}

void TstCondition::canonical()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("data_output"), diags);
    QVERIFY2(!c.canonical().empty(), describe(diags).c_str());
    QCOMPARE(QByteArray::fromStdString(c.canonical()), expected);
    // The canonical text compiles to itself.
    std::vector<ConditionDiagnostic> again;
    const auto c2 = Condition::compile(c.canonical(), Trigger::DataOutput, pii::PiiTypeSet::all(), again);
    QCOMPARE(QByteArray::fromStdString(c2.canonical()), expected);
    QCOMPARE(c2.isValid(), c.isValid());
}

void TstCondition::canonicalDistinguishes()
{
    std::vector<ConditionDiagnostic> diags;
    auto canon = [&](const char *t) {
        return Condition::compile(t, Trigger::ToolCall, pii::PiiTypeSet::all(), diags).canonical();
    };
    QCOMPARE(canon("tool.name=='a'"), canon("(tool.name == \"a\")"));
    QVERIFY(canon("tool.name == 'a'") != canon("tool.name == 'b'"));
    QVERIFY(canon("1 + 2 * 3 > 0") != canon("(1 + 2) * 3 > 0"));
    QVERIFY(canon("1 == 1") != canon("1 == 1.0"));
    QVERIFY(canon("tool.args.a == 1") != canon("tool.args['a.b'] == 1"));
}

void TstCondition::constantFolding_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("expected"); // -1: not constant
    QTest::newRow("true") << QByteArray("true") << 1;
    QTest::newRow("false") << QByteArray("false") << 0;
    QTest::newRow("1 < 2") << QByteArray("1 < 2") << 1;
    QTest::newRow("variable") << QByteArray("tool.name == 'a'") << -1;
    QTest::newRow("x or true") << QByteArray("tool.name == 'a' or true") << 1;
    QTest::newRow("true or x") << QByteArray("true or tool.name == 'a'") << 1;
    QTest::newRow("x and false") << QByteArray("tool.name == 'a' and false") << 0;
    QTest::newRow("x and (1 > 2)") << QByteArray("session.total_cost > 1 and 1 > 2") << 0;
    QTest::newRow("x and true") << QByteArray("tool.name == 'a' and true") << -1;
    QTest::newRow("x or false") << QByteArray("tool.name == 'a' or false") << -1;
    QTest::newRow("any operand not folded") << QByteArray("tool.args.flag or true") << -1;
    QTest::newRow("pii not folded") << QByteArray("contains_pii('bob@example.com')") << -1;
    QTest::newRow("safety not folded") << QByteArray("safety_score('hello') > 0.5") << -1;
    QTest::newRow("regex on variable") << QByteArray("matches(tool.name, 'a')") << -1;
    QTest::newRow("regex on literal") << QByteArray("matches('abc', 'a')") << 1;
    QTest::newRow("nested constant") << QByteArray("not (len([1, 2, 3]) == 3 and 'x' in ['x'])") << 0;
    QTest::newRow("pii or true") << QByteArray("contains_pii(tool.name) or true") << 1;
}

void TstCondition::constantFolding()
{
    QFETCH(QByteArray, text);
    QFETCH(int, expected);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    if (expected < 0) {
        QVERIFY(!c.constantValue().has_value());
        return;
    }
    QVERIFY(c.constantValue().has_value());
    QCOMPARE(*c.constantValue(), expected == 1);
    const auto r = c.evaluate(TestContext());
    QVERIFY(r.ok);
    QCOMPARE(r.value, expected == 1);
    QVERIFY(r.reads.empty());
    QVERIFY(c.variables().empty());
}

void TstCondition::limits_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("begin");
    QTest::addColumn<int>("end");
    QByteArray list10k = "1 in [";
    for (int i = 0; i < 10000; ++i)
        list10k += (i ? "," : "") + QByteArray::number(i % 10);
    QTest::newRow("64 parens") << QByteArray(64, '(') + "true" + QByteArray(64, ')') << true << 0 << 0;
    QTest::newRow("64 nots") << QByteArray("not ").repeated(64) + "true" << true << 0 << 0;
    QTest::newRow("long or chain") << QByteArray("false or ").repeated(5000) + "true" << true << 0 << 0;
    QTest::newRow("10000 elements") << list10k + "]" << true << 0 << 0;
    QTest::newRow("10001 elements") << list10k + ",1]" << false << 20006 << 20007;
    const QByteArray longText = "'" + QByteArray(70000, 'a') + "' == 'a'";
    QTest::newRow("too long") << longText << false << 65536 << int(longText.size());
    QTest::newRow("exactly max length") << "'" + QByteArray(65536 - 9, 'a') + "' == 'a'" << true << 0 << 0;
}

void TstCondition::limits()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(int, begin);
    QFETCH(int, end);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
    QCOMPARE(c.isValid(), valid);
    if (valid) {
        QVERIFY(c.evaluate(TestContext()).ok);
        return;
    }
    QCOMPARE(int(diags.size()), 1);
    QCOMPARE(QString::fromStdString(diags[0].code), QStringLiteral("E078"));
    QCOMPARE(diags[0].range.begin, begin);
    QCOMPARE(diags[0].range.end, end);
}

// Hostile inputs must be rejected quickly, not by exhausting the stack.
void TstCondition::limitsAreFast()
{
    const QByteArray inputs[] = {
        QByteArray(60000, '('),
        QByteArray(60000, '['),
        QByteArray(30000, '-') + "1",
        QByteArray("not ").repeated(16000),
        "1" + QByteArray("+1").repeated(30000),
        "x" + QByteArray("[0]").repeated(20000),
        "x" + QByteArray(".a").repeated(30000),
        QByteArray(1 << 20, 'a'),
    };
    for (const auto &text : inputs) {
        QElapsedTimer timer;
        timer.start();
        std::vector<ConditionDiagnostic> diags;
        const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
        QVERIFY(!c.isValid());
        QVERIFY(!diags.empty());
        QVERIFY2(timer.elapsed() < 500, text.left(20).constData());
    }
}

void TstCondition::defaultConditionIsInvalid()
{
    const Condition c;
    QVERIFY(!c.isValid());
    QVERIFY(c.text().empty());
    QVERIFY(c.canonical().empty());
    QVERIFY(!c.constantValue());
    QVERIFY(c.variables().empty());
    const auto r = c.evaluate(TestContext());
    QVERIFY(!r.ok);
    QVERIFY(!r.error.empty());
}

void TstCondition::copiesShareState()
{
    std::vector<ConditionDiagnostic> diags;
    Condition a = Condition::compile("tool.name == 'email_send'", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    Condition b = a;
    Condition m = std::move(a);
    QVERIFY(b.isValid());
    QVERIFY(m.isValid());
    QCOMPARE(b.text(), std::string("tool.name == 'email_send'"));
    QVERIFY(b.evaluate(TestContext()).value);
    Condition assigned;
    assigned = b;
    QVERIFY(assigned.evaluate(TestContext()).value);
}

void TstCondition::variablesAndUses()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile("tool.name == 'a' and session.total_cost > 1 or tool.name == 'b'",
        Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY(c.isValid());
    QCOMPARE(c.variables(), (std::vector<Var> {Var::ToolName, Var::SessionTotalCost}));
    QVERIFY(!c.usesPii());
    QVERIFY(!c.usesSafetyScore());

    const auto p = Condition::compile(
        "contains_pii(output) or pii_count(output, ['ssn']) > 1", Trigger::DataOutput, pii::PiiTypeSet::all(), diags);
    QVERIFY(p.usesPii());
    QVERIFY(!p.usesSafetyScore());
    QCOMPARE(p.variables(), std::vector<Var> {Var::Output});

    const auto s
        = Condition::compile("safety_score(response) < 0.5", Trigger::AgentResponse, pii::PiiTypeSet::all(), diags);
    QVERIFY(s.usesSafetyScore());
    QVERIFY(!s.usesPii());

    const auto args = Condition::compile("tool.args.to == 'x'", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QCOMPARE(args.variables(), std::vector<Var> {Var::ToolArgs});
    QVERIFY(diags.empty());
}

void TstCondition::builtinFunctionTable()
{
    const auto &fns = builtinFunctions();
    QCOMPARE(int(fns.size()), 9);
    for (const auto &f : fns) {
        QVERIFY(!f.summary.empty());
        QVERIFY(f.signature.starts_with(f.name));
        // Every listed function is callable with the right number of arguments.
        std::string args
            = f.signature.find(", ") != std::string_view::npos && f.signature.find("[,") == std::string_view::npos
            ? "'a', 'b'"
            : "'a'";
        std::vector<ConditionDiagnostic> diags;
        const std::string text = "(" + std::string(f.name) + "(" + args + ")) != null";
        Condition::compile(text, Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
        for (const auto &d : diags)
            QVERIFY2(d.code != "E072" && d.code != "E074", (text + ": " + describe(diags)).c_str());
    }
}

QTEST_GUILESS_MAIN(TstCondition)
#include "tst_condition.moc"
