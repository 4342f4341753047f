// Condition language: evaluation against a request (every operator and
// function, null semantics, missing keys, short-circuit, evaluation errors),
// the record of values read, PII functions and safety_score.

#include "conditiontestutil.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace osh;
using namespace osh::cond;
using namespace osh::cond::test;

class TstConditionEval : public QObject
{
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
    void reads_data();
    void reads();
    void readsKeptOnError();
    void readsBeyondSixtyFourPaths();
    void piiFunctions_data();
    void piiFunctions();
    void piiDefaultTypes();
    void piiFindingsTraced();
    void safetyScore();
    void nonBoolRootIsAnError();
    void concurrentEvaluation();
};

void TstConditionEval::evaluate_data()
{
    QTest::addColumn<QString>("trigger");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("value");
    QTest::addColumn<QString>("error");
    auto yes = [](const char *trig, const char *t) {
        QTest::newRow(t) << QString::fromUtf8(trig) << QByteArray(t) << true << true << QString();
    };
    auto no = [](const char *trig, const char *t) {
        QTest::newRow(t) << QString::fromUtf8(trig) << QByteArray(t) << true << false << QString();
    };
    auto err = [](const char *trig, const char *t, const char *e) {
        QTest::newRow(t) << QString::fromUtf8(trig) << QByteArray(t) << false << false << QString::fromUtf8(e);
    };
    const char *tc = "tool_call";
    // Comparisons on typed variables.
    yes(tc, "session.total_cost > 5.0");
    no(tc, "session.total_cost > 12.5");
    yes(tc, "session.total_cost >= 12.5");
    yes(tc, "session.total_cost < 13");
    no(tc, "session.total_cost <= 12");
    yes(tc, "session.tool_calls == 3.0");
    yes(tc, "session.tool_calls != 4");
    yes(tc, "tool.calls_in_last_minute > 5 and tool.name == 'email_send'");
    no(tc, "tool.name != 'email_send'");
    yes(tc, "tool.name > 'email'");
    yes(tc, "tool.name in ['a', 'email_send']");
    no(tc, "tool.name not in ['a', 'email_send']");
    yes(tc, "'send' in tool.name");
    yes(tc, "'xyz' not in tool.name");
    yes(tc, "'to' in tool.args");
    no(tc, "'zz' in tool.args");
    // Members, missing keys and null.
    yes(tc, "tool.args.to == 'bob@example.com'");
    yes(tc, "tool.args['to'] == 'bob@example.com'");
    yes(tc, "tool.args[tool.args.key] == 3");
    yes(tc, "tool.args.missing == null");
    no(tc, "tool.args.missing != null");
    no(tc, "tool.args.missing > 1");
    no(tc, "tool.args.missing < 1");
    no(tc, "tool.args.missing <= 1");
    no(tc, "tool.args.missing >= 'a'");
    no(tc, "tool.args.missing == 0");
    no(tc, "tool.args.missing == ''");
    yes(tc, "tool.args.missing.deeper == null");
    yes(tc, "tool.args.nested.x == 1");
    yes(tc, "tool.args['x-y'] == 'dash'");
    yes(tc, "tool.args.tags[0] == 'a'");
    yes(tc, "tool.args.tags[-1] == 'b'");
    yes(tc, "tool.args.tags[9] == null");
    yes(tc, "tool.args.tags[-9] == null");
    yes(tc, "'a' in tool.args.tags");
    no(tc, "'x' in tool.args.missing");
    yes(tc, "'x' not in tool.args.missing");
    no(tc, "tool.args.missing in 'abc'");
    yes(tc, "null in [1, null]");
    // Long constant lists are searched through an index: same results as a scan.
    yes(tc, "tool.name in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'email_send', 'h']");
    no(tc, "tool.name in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'email_sen', 'h']");
    yes(tc, "tool.name not in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'email_sen', 'h']");
    yes(tc, "tool.args.count in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 3.0]");
    yes(tc, "tool.args.missing in ['a', 'b', 'c', 'd', 'e', 'f', 'g', null]");
    no(tc, "tool.args.missing in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']");
    yes(tc, "tool.args.tags in ['a', 'b', 'c', 'd', 'e', 'f', 'g', ['a', 'b']]");
    yes(tc, "tool.args.to in ['z', 'y', 'x', 'bob@example.com', 'c', 'b', 'a', 'bob']");
    no(tc, "tool.args.to == 1");
    yes(tc, "tool.args.to != 1");
    yes(tc, "tool.args.tags == ['a', 'b']");
    yes(tc, "tool.args.nested == tool.args.nested");
    // Arithmetic, int/float mixing.
    yes(tc, "tool.args.count + 1 == 4");
    yes(tc, "tool.args.count - 4 == -1");
    yes(tc, "tool.args.count * tool.args.ratio == 1.5");
    yes(tc, "tool.args.count / 2 == 1.5");
    yes(tc, "tool.args.count % 2 == 1");
    yes(tc, "-tool.args.count == -3");
    yes(tc, "session.total_cost + session.tool_calls == 15.5");
    yes(tc, "tool.name + '!' == 'email_send!'");
    yes(tc, "tool.args.tags + ['c'] == ['a', 'b', 'c']");
    yes(tc, "[tool.name, 'x'][0] == 'email_send'");
    // Booleans and short-circuit.
    yes(tc, "tool.args.flag");
    yes(tc, "tool.args.flag and tool.args.count > 1");
    no(tc, "not tool.args.flag");
    no(tc, "false and tool.args.to");
    yes(tc, "true or tool.args.to");
    yes(tc, "tool.args.count == 3 or 1 / tool.args.zero > 0");
    no(tc, "tool.args.count == 4 and 1 / tool.args.zero > 0");
    yes(tc, "tool.args.flag or tool.args.to");
    // Functions.
    yes(tc, "len(tool.args.tags) == 2");
    yes(tc, "len(tool.args) == 14");
    yes(tc, "len(tool.name) == 10");
    yes("data_output", "len(output) == 11");
    yes("agent_response", "len(response) == 7");
    yes("agent_response",
        "lower(response) == '\xc3\xbcn\xc3\xaf"
        "c\xc3\xb6"
        "d\xc3\xa9'");
    yes("agent_response",
        "upper(response) == '\xc3\x9cN\xc3\x8f"
        "C\xc3\x96"
        "D\xc3\x89'");
    yes("data_output", "upper(output) == 'HELLO WORLD' and lower(output) == 'hello world'");
    yes(tc, "starts_with(tool.name, 'email')");
    no(tc, "starts_with(tool.name, 'send')");
    yes(tc, "ends_with(tool.name, 'send')");
    yes(tc, "matches(tool.name, '^email_')");
    no(tc, "matches(tool.name, 'SEND')");
    yes(tc, "matches(tool.name, '(?i)SEND')");
    yes(tc, "matches(tool.name, tool.args.pattern)");
    yes(tc, "matches(tool.name, tool.args.pattern) and not matches(tool.args.to, tool.args.pattern)");
    // Other triggers.
    yes("network_egress", "destination.ip == null");
    no("network_egress", "destination_region == 'eu'");
    yes("network_egress", "destination_region != 'eu'");
    no("network_egress", "destination_region in ['eu', 'us']");
    yes("network_egress", "destination.port == 443 and destination.protocol == 'https' and request.bytes > 1000");
    yes("network_egress", "ends_with(destination.host, '.example.com')");
    yes("file_access", "file.path == '/etc/passwd' and file.operation == 'read' and file.size > 1000");
    yes("file_access", "file.extension == ''");
    // Evaluation errors (the engine fails closed on them).
    err(tc, "1 / tool.args.zero > 0", "division by zero");
    err(tc, "tool.args.count % tool.args.zero == 0", "modulo by zero");
    err(tc, "tool.args.count / (tool.args.zero + 0.0) > 0", "division by zero");
    err(tc, "tool.args.count == 4 or 1 / tool.args.zero > 0", "division by zero");
    err(tc, "tool.args.big * tool.args.big > 0", "integer overflow in '*'");
    err(tc, "tool.args.big + 1 > 0", "integer overflow in '+'");
    err(tc, "tool.args.to and true", "'and' needs bool operands, got string");
    err(tc, "false or tool.args.count", "'or' needs bool operands, got int");
    err(tc, "not tool.args.to", "'not' needs a bool, got string");
    err(tc, "-tool.args.to == 1", "'-' needs a number, got string");
    err(tc, "tool.args.to + 1 == 2", "cannot add string and int");
    err(tc, "tool.args.to - 1 == 2", "'-' needs numbers, got string");
    err(tc, "tool.args.to > 1", "cannot compare string with int");
    err(tc, "len(tool.args.missing) > 0", "len(null): expected string, list or map");
    err(tc, "len(tool.args.count) > 0", "len(int): expected string, list or map");
    err(tc, "lower(tool.args.count) == ''", "lower(int): expected a string");
    err(tc, "starts_with(tool.name, tool.args.count)", "starts_with(): argument 2: expected a string, got int");
    err(tc, "matches(tool.args.missing, 'x')", "matches(): argument 1: expected a string, got null");
    err(tc, "matches(tool.name, tool.args.badpattern)", "matches(): invalid regular expression: missing )");
    err(tc, "tool.args.count in 'abc'", "'in' a string needs a string on the left, got int");
    err(tc, "tool.args.count in tool.args", "map keys are strings, got int");
    err(tc, "'a' in tool.args.count", "'in' needs a list, string or map on the right, got int");
    err(tc, "tool.args.tags['a'] == 1", "cannot access member 'a' of list");
    err(tc, "tool.args.tags[tool.args.to] == 1", "list index must be an int, got string");
    err(tc, "tool.args.nested[tool.args.count] == 1", "map key must be a string, got int");
    err(tc, "tool.args.to[0] == 1", "cannot index string");
    err(tc, "tool.args.to.x == 1", "cannot access member 'x' of string");
    err("network_egress", "starts_with(destination.ip, '10.')",
        "starts_with(): argument 1: expected a string, got null");
}

void TstConditionEval::evaluate()
{
    QFETCH(QString, trigger);
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(bool, value);
    QFETCH(QString, error);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, trigger, diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    const auto r = c.evaluate(TestContext());
    QVERIFY2(r.ok == ok, r.error.c_str());
    if (ok) {
        QCOMPARE(r.value, value);
        QVERIFY(r.error.empty());
    } else {
        QVERIFY2(QString::fromStdString(r.error).contains(error), r.error.c_str());
    }
}

void TstConditionEval::reads_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArrayList>("paths");
    QTest::addColumn<QByteArrayList>("values"); // JSON
    QTest::newRow("two variables") << QByteArray("session.total_cost > 5 and tool.name == 'email_send'")
                                   << QByteArrayList {"session.total_cost", "tool.name"}
                                   << QByteArrayList {"12.5", "\"email_send\""};
    QTest::newRow("each path once") << QByteArray("tool.name == 'a' or tool.name == 'email_send'")
                                    << QByteArrayList {"tool.name"} << QByteArrayList {"\"email_send\""};
    QTest::newRow("member forms share a path")
        << QByteArray("tool.args.to == 'x' or tool.args['to'] == 'bob@example.com'") << QByteArrayList {"tool.args.to"}
        << QByteArrayList {"\"bob@example.com\""};
    QTest::newRow("missing member reads null")
        << QByteArray("tool.args.missing == null") << QByteArrayList {"tool.args.missing"} << QByteArrayList {"null"};
    QTest::newRow("deep member") << QByteArray("tool.args.nested.x == 1") << QByteArrayList {"tool.args.nested.x"}
                                 << QByteArrayList {"1"};
    QTest::newRow("non-identifier key") << QByteArray("tool.args['x-y'] == 'dash'")
                                        << QByteArrayList {"tool.args['x-y']"} << QByteArrayList {"\"dash\""};
    QTest::newRow("whole map") << QByteArray("len(tool.args.nested) == 1") << QByteArrayList {"tool.args.nested"}
                               << QByteArrayList {"{\"x\":1}"};
    QTest::newRow("dynamic key reads the map and the key")
        << QByteArray("tool.args.nested[tool.args.key] == null") << QByteArrayList {"tool.args.nested", "tool.args.key"}
        << QByteArrayList {"{\"x\":1}", "\"count\""};
    QTest::newRow("short-circuit skips reads") << QByteArray("tool.calls_in_last_minute > 100 and tool.name == 'x'")
                                               << QByteArrayList {"tool.calls_in_last_minute"} << QByteArrayList {"7"};
    QTest::newRow("first-read order") << QByteArray("tool.name == 'x' or session.id == 's1' or tool.name == 'y'")
                                      << QByteArrayList {"tool.name", "session.id"}
                                      << QByteArrayList {"\"email_send\"", "\"s1\""};
    QTest::newRow("folded reads nothing")
        << QByteArray("tool.name == 'x' or true") << QByteArrayList {} << QByteArrayList {};
    QTest::newRow("constant reads nothing") << QByteArray("1 < 2") << QByteArrayList {} << QByteArrayList {};
}

void TstConditionEval::reads()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArrayList, paths);
    QFETCH(QByteArrayList, values);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    const auto r = c.evaluate(TestContext());
    QVERIFY2(r.ok, r.error.c_str());
    QByteArrayList gotPaths;
    QByteArrayList gotValues;
    for (const auto &read : r.reads) {
        gotPaths << QByteArray::fromStdString(std::string(read.path));
        gotValues << QByteArray::fromStdString(read.value.toJson());
    }
    QCOMPARE(gotPaths, paths);
    QCOMPARE(gotValues, values);
}

void TstConditionEval::readsKeptOnError()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile(
        "tool.name == 'email_send' and tool.args.to > 1", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    const auto r = c.evaluate(TestContext());
    QVERIFY(!r.ok);
    QCOMPARE(int(r.reads.size()), 2);
    QCOMPARE(std::string(r.reads[1].path), std::string("tool.args.to"));
}

void TstConditionEval::readsBeyondSixtyFourPaths()
{
    std::string text;
    for (int i = 0; i < 80; ++i)
        text += "tool.args.k" + std::to_string(i) + " == null and ";
    text += "tool.args.k70 == null and tool.args.k3 == null";
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile(text, Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    const auto r = c.evaluate(TestContext());
    QVERIFY(r.ok);
    QVERIFY(r.value);
    QCOMPARE(int(r.reads.size()), 80);
    QCOMPARE(std::string(r.reads[70].path), std::string("tool.args.k70"));
}

// A PII call that finds something records what it found and why, under the
// call's text and apart from the variables it read; never the text itself.
void TstConditionEval::piiFindingsTraced()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile("tool.name == 'email_send' and pii_count(tool.args, ['email']) > 0",
                                      Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    const auto r = c.evaluate(TestContext());
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.value);
    std::vector<std::string> variables;
    const Read *finding = nullptr;
    for (const auto &read : r.reads) {
        if (read.pii)
            finding = &read;
        else
            variables.emplace_back(read.path);
    }
    QCOMPARE(variables, (std::vector<std::string> {"tool.name", "tool.args"}));
    QVERIFY(finding);
    QCOMPARE(std::string(finding->path), std::string("pii_count(tool.args, ['email'])"));
    QCOMPARE(finding->value.toJson(),
             std::string(R"([{"begin":0,"check":"email_structure","end":15,"in":".to","type":"email"}])"));

    // Keys are agent text: one holding PII appears redacted in the place,
    // and a long place keeps its innermost 256 bytes.
    TestContext keyed;
    ValueMap inner;
    inner.emplace("to", Value("jane@example.com"));
    ValueMap deep;
    deep.emplace(std::string(600, 'k'), Value(std::move(inner)));
    ValueMap args;
    args.emplace("4111 1111 1111 1111", Value(std::move(deep)));
    keyed.set(Var::ToolArgs, Value(std::move(args)));
    const auto all = Condition::compile("contains_pii(tool.args, ['email'])", Trigger::ToolCall,
                                        pii::PiiTypeSet::all(), diags);
    const auto rk = all.evaluate(keyed);
    QVERIFY(rk.ok && rk.value);
    const auto &f = rk.reads.back();
    QVERIFY(f.pii);
    // Every key is redacted of every type, not only those the call asked
    // for, and cut to 64 bytes.
    const std::string in = f.value.toList().at(0).toMap().at("in").toString();
    QVERIFY2(in.find("4111") == std::string::npos && in.find("[REDACTED:credit_card]") != std::string::npos, in.c_str());
    QVERIFY2(in.ends_with("\u2026'].to") && in.size() < 120, in.c_str());
    TestContext shallow;
    ValueMap one;
    one.emplace("4111 1111 1111 1111", Value("mail jane@example.com"));
    shallow.set(Var::ToolArgs, Value(std::move(one)));
    const auto rs = all.evaluate(shallow);
    QVERIFY(rs.ok && rs.value);
    const std::string in1 = rs.reads.back().value.toList().at(0).toMap().at("in").toString();
    QCOMPARE(in1, std::string("['[REDACTED:credit_card]']"));
    const auto rk2 = Condition::compile("contains_pii(tool.args)", Trigger::ToolCall, pii::PiiTypeSet::all(), diags)
                         .evaluate(keyed);
    std::string places;
    for (const auto &x : rk2.reads.back().value.toList())
        places += x.toMap().at("in").toString() + "|";
    QVERIFY2(places.find("4111") == std::string::npos, places.c_str());
    QVERIFY2(places.find("['[REDACTED:credit_card]'] (key)") != std::string::npos, places.c_str());

    // Nothing found: nothing recorded; not tracing: nothing computed.
    const auto none = Condition::compile("contains_pii(tool.name)", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    const auto rn = none.evaluate(TestContext());
    QVERIFY(rn.ok && !rn.value);
    QVERIFY(std::none_of(rn.reads.begin(), rn.reads.end(), [](const Read &x) { return x.pii; }));
}

void TstConditionEval::piiFunctions_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("value");
    QTest::newRow("email found") << QByteArray("contains_pii(tool.args.to)") << true << true;
    QTest::newRow("email not an ssn") << QByteArray("contains_pii(tool.args.to, ['ssn'])") << true << false;
    QTest::newRow("email listed") << QByteArray("contains_pii(tool.args.to, ['ssn', 'email'])") << true << true;
    QTest::newRow("no pii") << QByteArray("contains_pii(tool.name)") << true << false;
    QTest::newRow("count") << QByteArray("pii_count(tool.args.to) == 1") << true << true;
    QTest::newRow("count typed") << QByteArray("pii_count(tool.args.to, ['ssn']) == 0") << true << true;
    QTest::newRow("count two") << QByteArray("pii_count(tool.args.to + ' and alice@example.org') == 2") << true << true;
    QTest::newRow("empty types") << QByteArray("contains_pii(tool.args.to, [])") << true << false;
    QTest::newRow("runtime types") << QByteArray("contains_pii(tool.args.to, tool.args.types)") << true << true;
    QTest::newRow("runtime bad types") << QByteArray("contains_pii(tool.args.to, tool.args.badtypes)") << false
                                       << false;
    QTest::newRow("runtime types not a list")
        << QByteArray("contains_pii(tool.args.to, tool.args.to)") << false << false;
    // A missing text holds no PII: there is nothing that could leak.
    QTest::newRow("null text") << QByteArray("contains_pii(tool.args.missing)") << true << false;
    QTest::newRow("null count") << QByteArray("pii_count(null) == 0") << true << true;
    QTest::newRow("bool") << QByteArray("contains_pii(tool.args.flag)") << true << false;
    // Lists and maps are searched inside, recursively.
    QTest::newRow("map") << QByteArray("contains_pii(tool.args)") << true << true;
    QTest::newRow("map typed") << QByteArray("contains_pii(tool.args, ['ssn'])") << true << false;
    QTest::newRow("map count") << QByteArray("pii_count(tool.args) == 1") << true << true;
    QTest::newRow("list") << QByteArray("contains_pii(['x', ['y', tool.args.to]])") << true << true;
    QTest::newRow("clean list") << QByteArray("contains_pii(tool.args.tags)") << true << false;
    QTest::newRow("list count")
        << QByteArray("pii_count([tool.args.to, ['alice@example.org', 'carol@example.com 123-45-6789']]) == 4")
        << true << true;
    // Numbers are scanned as their decimal text.
    QTest::newRow("card as number") << QByteArray("contains_pii(4111111111111111)") << true << true;
    QTest::newRow("card in list") << QByteArray("contains_pii([1, 4111111111111111], ['credit_card'])") << true
                                  << true;
    QTest::newRow("plain number") << QByteArray("contains_pii(tool.args.count) or contains_pii(tool.args.ratio)")
                                  << true << false;
}

void TstConditionEval::piiFunctions()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(bool, value);
    std::vector<ConditionDiagnostic> diags;
    const auto c = compileFor(text, QStringLiteral("tool_call"), diags);
    QVERIFY2(c.isValid(), describe(diags).c_str());
    QVERIFY(c.usesPii());
    const auto r = c.evaluate(TestContext());
    QVERIFY2(r.ok == ok, r.error.c_str());
    if (ok)
        QCOMPARE(r.value, value);
}

void TstConditionEval::piiDefaultTypes()
{
    std::vector<ConditionDiagnostic> diags;
    const auto ssnOnly = pii::PiiTypeSet().add(pii::PiiType::Ssn);
    const auto c = Condition::compile("contains_pii(tool.args.to)", Trigger::ToolCall, ssnOnly, diags);
    QVERIFY(c.isValid());
    QVERIFY(!c.evaluate(TestContext()).value);
    const auto withEmail = pii::PiiTypeSet().add(pii::PiiType::Email);
    const auto e = Condition::compile("contains_pii(tool.args.to)", Trigger::ToolCall, withEmail, diags);
    QVERIFY(e.evaluate(TestContext()).value);
    // An explicit list overrides the policy's types.
    const auto x = Condition::compile("contains_pii(tool.args.to, ['email'])", Trigger::ToolCall, ssnOnly, diags);
    QVERIFY(x.evaluate(TestContext()).value);
}

void TstConditionEval::safetyScore()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c
        = Condition::compile("safety_score(tool.name) > 0.5", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY(c.isValid());
    QVERIFY(c.usesSafetyScore());
    QVERIFY(!c.constantValue());
    TestContext ctx;

    const auto none = c.evaluate(ctx);
    QVERIFY(!none.ok);
    QVERIFY2(none.error.find("no safety scorer") != std::string::npos, none.error.c_str());

    FakeScorer high(0.8);
    ctx.scorer = &high;
    const auto r = c.evaluate(ctx);
    QVERIFY(r.ok);
    QVERIFY(r.value);
    QCOMPARE(high.calls, 1);
    QCOMPARE(high.lastText, std::string("email_send"));

    FakeScorer low(0.2);
    ctx.scorer = &low;
    QVERIFY(!c.evaluate(ctx).value);

    FakeScorer failing(std::nullopt, "scorer timed out");
    ctx.scorer = &failing;
    const auto f = c.evaluate(ctx);
    QVERIFY(!f.ok);
    QVERIFY2(f.error.find("scorer timed out") != std::string::npos, f.error.c_str());

    FakeScorer outOfRange(1.5);
    ctx.scorer = &outOfRange;
    const auto o = c.evaluate(ctx);
    QVERIFY(!o.ok);
    QVERIFY2(o.error.find("outside [0, 1]") != std::string::npos, o.error.c_str());

    FakeScorer nan(std::nan(""));
    ctx.scorer = &nan;
    QVERIFY(!c.evaluate(ctx).ok);

    // Short-circuit: the scorer is not asked when the answer is already known.
    const auto sc = Condition::compile(
        "tool.name == 'x' and safety_score(tool.name) > 0.5", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    FakeScorer counted(0.9);
    ctx.scorer = &counted;
    QVERIFY(sc.evaluate(ctx).ok);
    QCOMPARE(counted.calls, 0);
}

void TstConditionEval::nonBoolRootIsAnError()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile("tool.args.count", Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY(c.isValid());
    const auto r = c.evaluate(TestContext());
    QVERIFY(!r.ok);
    QCOMPARE(r.error, std::string("the condition evaluated to int, not a bool"));
}

// One compiled condition shared by threads (the engine's use), including the
// cache of patterns compiled at evaluation.
void TstConditionEval::concurrentEvaluation()
{
    std::vector<ConditionDiagnostic> diags;
    const auto c = Condition::compile("matches(tool.name, tool.args.pattern) and session.total_cost > 1",
        Trigger::ToolCall, pii::PiiTypeSet::all(), diags);
    QVERIFY(c.isValid());
    std::atomic<int> failures {0};
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&c, &failures, t] {
            TestContext ctx;
            for (int i = 0; i < 500; ++i) {
                ValueMap args;
                args.emplace("pattern", Value("^e.*" + std::to_string((i + t) % 100)));
                ctx.set(Var::ToolArgs, Value(std::move(args)));
                ctx.set(Var::ToolName, Value("email" + std::to_string((i + t) % 100)));
                const auto r = c.evaluate(ctx);
                if (!r.ok || !r.value)
                    ++failures;
            }
        });
    }
    for (auto &th : threads)
        th.join();
    QCOMPARE(failures.load(), 0);
}

QTEST_GUILESS_MAIN(TstConditionEval)
#include "tst_conditioneval.moc"
