// Condition language: static checks against each trigger (variables provided
// or not, unknown names, types, arity, regular expressions, PII type names,
// boolean result, null comparisons), each with its code and exact range.

#include "conditiontestutil.h"

#include <QTest>

using namespace osh;
using namespace osh::cond;
using namespace osh::cond::test;

class TstConditionCheck : public QObject
{
    Q_OBJECT

private slots:
    void diagnostics_data();
    void diagnostics();
    void validPerTrigger_data();
    void validPerTrigger();
    void reportsSeveralErrors();
    void notProvidedListsTriggerVariables();
};

void TstConditionCheck::diagnostics_data()
{
    QTest::addColumn<QString>("trigger");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("begin");
    QTest::addColumn<int>("end");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("suggestion");
    auto row = [](const char *name, const char *trig, const QByteArray &t, const char *code, int b, int e,
                   const char *msg, const char *sugg = "") {
        QTest::newRow(name) << QString::fromUtf8(trig) << t << QString::fromUtf8(code) << b << e
                            << QString::fromUtf8(msg) << QString::fromUtf8(sugg);
    };
    // E071: the variable exists but the trigger does not provide it.
    row("output in tool_call", "tool_call", "output == 'x'", "E071", 0, 6,
        "'output' is not available in tool_call policies; the tool_call trigger provides: tool.name, tool.args");
    row("tool.name in file_access", "file_access", "tool.name == 'x'", "E071", 0, 9,
        "'tool.name' is not available in file_access policies");
    row("tool.args member in file_access", "file_access", "tool.args.to == 'x'", "E071", 0, 9,
        "'tool.args' is not available");
    row("response in data_output", "data_output", "len(response) > 0", "E071", 4, 12,
        "'response' is not available in data_output");
    row("region in tool_call", "tool_call", "destination_region == 'eu'", "E071", 0, 18,
        "'destination_region' is not available");
    row("file.size in network_egress", "network_egress", "file.size > 1", "E071", 0, 9,
        "the network_egress trigger provides: tool.name, session.id");
    // E072: unknown names and functions.
    row("misspelt namespace", "tool_call", "sesion.total_cost > 5", "E072", 0, 17,
        "unknown variable 'sesion.total_cost'; did you mean 'session.total_cost'?", "session.total_cost");
    row("misspelt member", "tool_call", "session.totl_cost > 5", "E072", 0, 17,
        "unknown variable 'session.totl_cost'; did you mean 'session.total_cost'?", "session.total_cost");
    row("unknown member", "tool_call", "session.zzzzzzzz > 5", "E072", 0, 16,
        "unknown variable 'session.zzzzzzzz'; session has: session.id, session.total_cost");
    row("namespace alone", "tool_call", "session > 5", "E072", 0, 7,
        "'session' is a namespace, not a value; use one of: session.id");
    row("tool alone", "tool_call", "tool", "E072", 0, 4, "'tool' is a namespace");
    row("misspelt top-level", "data_output", "outptu == 'x'", "E072", 0, 6,
        "unknown name 'outptu'; did you mean 'output'?", "output");
    row("unknown name", "tool_call", "qqqqqq == 1", "E072", 0, 6, "unknown name 'qqqqqq'");
    row("unknown root with member", "tool_call", "qqqqqq.x == 1", "E072", 0, 6, "unknown name 'qqqqqq'");
    row("True", "tool_call", "True", "E072", 0, 4, "unknown name 'True'; did you mean 'true'?", "true");
    row("False", "tool_call", "tool.name == 'a' or False", "E072", 20, 25, "did you mean 'false'?", "false");
    row("None", "tool_call", "tool.name == None", "E072", 13, 17, "did you mean 'null'?", "null");
    row("NULL", "tool_call", "tool.name == NULL", "E072", 13, 17, "did you mean 'null'?", "null");
    row("function as value", "tool_call", "len == 1", "E072", 0, 3, "'len' is a function; call it as len(...)",
        "len()");
    row("misspelt function", "tool_call", "lenn(tool.name) > 1", "E072", 0, 4,
        "unknown function 'lenn'; did you mean 'len'?", "len");
    row("unknown function", "tool_call", "frobnicate(1)", "E072", 0, 10, "unknown function 'frobnicate'");
    row("variable called", "data_output", "output(1)", "E072", 0, 6, "'output' is not a function");
    row("expression called", "tool_call", "tool.args.f(1)", "E072", 0, 11, "only built-in functions can be called");
    // E073: types.
    row("float vs string", "tool_call", "session.total_cost > 'abc'", "E073", 0, 26,
        "cannot compare float with string");
    row("string == int", "tool_call", "tool.name == 5", "E073", 0, 14, "cannot compare string with int");
    row("bool == int", "tool_call", "true == 1", "E073", 0, 9, "cannot compare bool with int");
    row("len(int)", "tool_call", "len(5) > 1", "E073", 4, 5, "len() expects a string, list or map, got int");
    row("len(null)", "tool_call", "len(null) > 1", "E073", 4, 8, "len() expects a string, list or map, got null");
    row("string + int", "tool_call", "tool.name + 1 == 'a'", "E073", 0, 13, "cannot add string and int");
    row("not string", "tool_call", "not 'x'", "E073", 4, 7, "'not' needs a bool, got string");
    row("in int", "tool_call", "'a' in 5", "E073", 7, 8, "'in' needs a list, string or map on the right, got int");
    row("int in string", "tool_call", "5 in tool.name", "E073", 0, 1, "looking for int in a string");
    row("int in map", "tool_call", "5 in tool.args", "E073", 0, 1, "map keys are strings, got int");
    row("string in int list", "tool_call", "tool.name in [1, 2]", "E073", 0, 19,
        "cannot look for string in a list of int");
    row("output < 3", "data_output", "output < 3", "E073", 0, 10, "cannot compare string with int");
    row("order bools", "tool_call", "true < false", "E073", 0, 4, "'<' cannot order bool values");
    row("order list", "tool_call", "tool.args.to < [1]", "E073", 15, 18, "'<' cannot order list values");
    row("and string", "tool_call", "tool.name and true", "E073", 0, 9, "'and' needs bool operands, got string");
    row("or int", "tool_call", "true or 1", "E073", 8, 9, "'or' needs bool operands, got int");
    row("negate string", "tool_call", "-tool.name == 1", "E073", 1, 10, "'-' needs a number, got string");
    row("multiply string", "tool_call", "session.total_cost * 'a' > 1", "E073", 21, 24,
        "'*' needs numbers, got string");
    row("subtract list", "tool_call", "[1] - 1 == 0", "E073", 0, 3, "'-' needs numbers, got list of int");
    row("divide by literal zero", "tool_call", "session.total_cost / 0 > 1", "E073", 0, 22, "division by zero");
    row("modulo by literal zero", "tool_call", "session.tool_calls % 0.0 > 1", "E073", 0, 24, "modulo by zero");
    row("divide by constant zero", "tool_call", "1 / (1 - 1) > 0", "E073", 0, 11, "division by zero");
    row("constant overflow", "tool_call", "9223372036854775807 + 1 > 0", "E073", 0, 23, "integer overflow");
    row("member of string", "tool_call", "tool.name.x == 1", "E073", 0, 11, "cannot access member 'x' of string");
    row("index string", "data_output", "output[0] == 'a'", "E073", 0, 6, "cannot index string");
    row("map key int", "tool_call", "tool.args[1] == 'a'", "E073", 10, 11, "map key must be a string, got int");
    row("list index string", "tool_call", "[1, 2]['a'] == 1", "E073", 7, 10, "list index must be an int");
    row("starts_with int", "tool_call", "starts_with(tool.name, 1)", "E073", 23, 24,
        "starts_with() expects a string as argument 2, got int");
    row("pii type list as string", "tool_call", "contains_pii(tool.name, 'ssn')", "E073", 24, 29,
        "expects a list of PII type names as argument 2, got string", "['ssn']");
    row("pii type not string", "tool_call", "contains_pii(tool.name, ['ssn', 1])", "E073", 32, 33,
        "PII type names are strings, got int");
    row("safety_score of int", "tool_call", "safety_score(1) > 0", "E073", 13, 14,
        "safety_score() expects a string, got int");
    row("matches pattern int", "tool_call", "matches(tool.name, 1)", "E073", 19, 20,
        "matches() expects a string as argument 2, got int");
    // E074: arity.
    row("len two args", "tool_call", "len(tool.name, 1) > 0", "E074", 15, 16, "len() takes 1 argument (2 given)");
    row("starts_with one arg", "tool_call", "starts_with(tool.name)", "E074", 0, 22,
        "starts_with() takes 2 arguments (1 given)");
    row("contains_pii none", "tool_call", "contains_pii()", "E074", 0, 14,
        "contains_pii() takes 1 or 2 arguments (0 given)");
    row("pii_count three", "tool_call", "pii_count(tool.name, ['ssn'], 1, 2) > 0", "E074", 30, 34,
        "pii_count() takes 1 or 2 arguments (4 given)");
    // E075: regular expressions.
    row("bad literal regex", "tool_call", "matches(tool.name, 'a(b')", "E075", 19, 24, "invalid regular expression: ");
    row("bad constant regex", "tool_call", "matches(tool.name, '[' + 'a')", "E075", 19, 28,
        "invalid regular expression: ");
    row("bad repetition", "tool_call", "matches(tool.name, 'a**')", "E075", 19, 24, "invalid regular expression: ");
    // E076: PII type names.
    row("misspelt pii type", "tool_call", "contains_pii(tool.name, ['ssn', 'emal'])", "E076", 33, 37,
        "unknown PII type 'emal'; did you mean 'email'?", "email");
    row("unknown pii type", "tool_call", "pii_count(tool.name, ['zzzzzzzz']) > 0", "E076", 23, 31,
        "unknown PII type 'zzzzzzzz' (known types: ssn credit_card email phone ip_address iban secret)");
    // E077: the condition is not a bool.
    row("float condition", "tool_call", "session.total_cost", "E077", 0, 18,
        "the condition must be a bool expression, but this is float");
    row("string condition", "tool_call", "'abc'", "E077", 0, 5, "but this is string");
    row("null condition", "tool_call", "null", "E077", 0, 4, "but this is null");
    row("sum condition", "tool_call", "(1 + session.tool_calls)", "E077", 1, 23, "but this is int");
    row("list condition", "tool_call", "[true]", "E077", 0, 6, "but this is list of bool");
    // W079: comparisons with null.
    row("order with null", "tool_call", "session.total_cost < null", "W079", 0, 25,
        "ordering comparison with null is always false");
    row("non-null == null", "tool_call", "tool.name == null", "W079", 0, 17,
        "comparison with null is always false: a string is never null");
    row("non-null != null", "tool_call", "tool.name != null", "W079", 0, 17, "comparison with null is always true");
    row("in null", "tool_call", "tool.name in null", "W079", 0, 17, "'in' with null on the right is always false");
}

void TstConditionCheck::diagnostics()
{
    QFETCH(QString, trigger);
    QFETCH(QByteArray, text);
    QFETCH(QString, code);
    QFETCH(int, begin);
    QFETCH(int, end);
    QFETCH(QString, message);
    QFETCH(QString, suggestion);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, trigger, diags);
    const std::string all = describe(diags);
    const auto it = std::find_if(diags.begin(), diags.end(),
        [&](const ConditionDiagnostic &d) { return QString::fromStdString(d.code) == code; });
    QVERIFY2(it != diags.end(), all.c_str());
    QVERIFY2(QString::fromStdString(it->message).contains(message), all.c_str());
    QCOMPARE(it->range.begin, begin);
    QCOMPARE(it->range.end, end);
    QCOMPARE(QString::fromStdString(it->suggestion), suggestion);
    const bool warning = code.startsWith(QLatin1Char('W'));
    QCOMPARE(it->severity, warning ? Severity::Warning : Severity::Error);
    QCOMPARE(c.isValid(), warning);
    if (!warning)
        QVERIFY(!c.evaluate(TestContext()).ok);
}

void TstConditionCheck::validPerTrigger_data()
{
    QTest::addColumn<QString>("trigger");
    QTest::addColumn<QByteArray>("text");
    auto row = [](const char *trig, const char *text) {
        QTest::newRow((std::string(trig) + ": " + text).c_str()) << QString::fromUtf8(trig) << QByteArray(text);
    };
    for (const char *t : {"tool_call", "data_output", "agent_response", "network_egress", "file_access"}) {
        row(t, "session.total_cost > 5.0 and session.tool_calls < 100");
        row(t, "session.id != '' and session.elapsed_seconds >= 0");
    }
    row("tool_call", "tool.name == 'email_send' and tool.calls_in_last_minute > 10");
    row("tool_call", "tool.args.to == 'x' or tool.args['cc'] != null or 'bcc' in tool.args");
    row("tool_call", "tool.args.flag");
    row("tool_call", "not tool.args.flag and tool.args.n + 1 > 2");
    row("tool_call", "tool.args.list[0].name == 'x'");
    row("tool_call", "matches(tool.name, tool.args.pattern)");
    row("tool_call", "contains_pii(tool.args.body, tool.args.types)");
    row("tool_call", "contains_pii(tool.args.body, ['ssn', 'email', 'credit_card'])");
    row("data_output", "contains_pii(output) and pii_count(output) > 2 and tool.name == 'x'");
    // Lists, maps, numbers and null are searched too (docs/conditions.md).
    row("tool_call", "contains_pii(tool.args) or pii_count(tool.args.tags) > 0");
    row("tool_call", "contains_pii([tool.name, 4111111111111111]) or contains_pii(null)");
    row("network_egress", "contains_pii(request.bytes) or pii_count(destination.port) > 0");
    row("data_output", "len(output) > 1000 or matches(output, '(?i)password')");
    row("agent_response", "safety_score(response) < 0.3 or 'ignore previous' in lower(response)");
    row("network_egress", "destination.ip == null or destination_region not in ['eu', 'us']");
    row("network_egress", "destination.host == 'x' and destination.port != 443 and request.bytes > 1e6");
    row("network_egress", "destination.protocol in ['http', 'ftp'] and tool.name == 'curl'");
    row("network_egress", "starts_with(destination.ip, '10.')");
    row("file_access", "file.path == '/etc/passwd' and file.operation == 'write' and file.size > 0");
    row("file_access", "file.extension in ['.pem', '.key'] or ends_with(file.path, '.env')");
}

void TstConditionCheck::validPerTrigger()
{
    QFETCH(QString, trigger);
    QFETCH(QByteArray, text);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, trigger, diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    QVERIFY2(diags.empty(), describe(diags).c_str());
}

void TstConditionCheck::reportsSeveralErrors()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile(
        "output == 1 or lenn(tool.name) > 1 or tool.name < 3", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY(!c.isValid());
    std::vector<std::string> codes;
    codes.reserve(diags.size());
    for (const auto &d : diags)
        codes.push_back(d.code);
    // output: not provided (and string vs int); lenn: unknown; tool.name < 3: type.
    QCOMPARE(codes, (std::vector<std::string> {"E071", "E073", "E072", "E073"}));
}

void TstConditionCheck::notProvidedListsTriggerVariables()
{
    std::vector<ConditionDiagnostic> diags;
    Condition::compile("file.path == 'x'", Trigger::AgentResponse, pii::PiiTypeSet::all(), diags);
    QCOMPARE(int(diags.size()), 1);
    QCOMPARE(diags[0].message,
        std::string("'file.path' is not available in agent_response policies; the agent_response trigger "
                    "provides: session.id, session.total_cost, session.tool_calls, session.elapsed_seconds, "
                    "response"));
}

QTEST_GUILESS_MAIN(TstConditionCheck)
#include "tst_conditioncheck.moc"
