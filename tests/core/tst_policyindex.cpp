// Indexed policy selection decides exactly as a full scan: random documents
// and requests decided by an indexed and a linear engine side by side (the
// same decision, deciding policy, message and output; every policy the index
// skipped is one the scan found false without an error), plus the trace
// levels' shapes and the cases where a pin must not be used.

#include "enginetesthelpers.h"
#include "randompolicy.h"

#include <QProcessEnvironment>

#include <random>
#include <set>

using namespace osh;
using namespace osh::test;

namespace {

class SeededSource
{
public:
    explicit SeededSource(std::uint32_t seed) : m_rng(seed) {}
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(m_rng); }

private:
    std::mt19937 m_rng;
};
using Generator = RandomPolicyGenerator<SeededSource>;

DecisionEngine::Options options(bool indexed, TraceLevel level)
{
    DecisionEngine::Options o;
    o.indexed = indexed;
    o.trace = level;
    return o;
}

Request request(const std::string &json)
{
    std::string error;
    auto r = Request::fromJson(json, error);
    if (!r)
        qFatal("bad test request %s: %s", json.c_str(), error.c_str());
    return *r;
}

Decision decideOnce(const DecisionEngine &engine, const std::string &json)
{
    SessionState s("index-test");
    Request r = request(json);
    return engine.decide(r, s);
}

// The policy entries of a trace, by name, for comparing evaluated policies.
struct PolicyStep
{
    std::string name;
    bool matched = false;
    bool error = false;
    bool skipped = false;
};

std::vector<PolicyStep> stepsOf(const Decision &d)
{
    std::vector<PolicyStep> steps;
    for (const auto &t : d.trace)
        if (t.isPolicy)
            steps.push_back({std::string(t.policy), t.matched, t.hasError(), t.skippedByIndex});
    return steps;
}

} // namespace

class TestPolicyIndex : public QObject
{
    Q_OBJECT

private slots:
    void differential();
    void pinsThroughAndAndParentheses();
    void noPinAfterAConjunctThatCanFail();
    void numbersMatchAcrossIntAndFloat();
    void addressIsNeverAnIndexKey();
    void decisiveTraceSummarisesSkippedRuns();
    void fullTraceMarksSkippedPolicies();
    void noneTraceIsEmpty();
    void traceLevelNames();
    void sameConditionThatCanFailIsNotShadowed();
    void pinCoverageIsReported();
    void shadowingsAreData();
};

// Qt truncates long failure messages: the document and request go to the log.
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            qWarning("%s", qPrintable(where));                                                                        \
            QFAIL(#cond);                                                                                              \
        }                                                                                                              \
    } while (false)

void TestPolicyIndex::differential()
{
    // OSH_INDEX_ROUNDS raises the number of random documents (default 300).
    const int rounds = qMax(1, QProcessEnvironment::systemEnvironment().value(QStringLiteral("OSH_INDEX_ROUNDS"),
                                                                            QStringLiteral("300")).toInt());
    int decisions = 0;
    int skipped = 0;
    for (int round = 0; round < rounds; ++round) {
        Generator gen(SeededSource(static_cast<std::uint32_t>(round) * 7919u + 17u));
        const std::string yaml = gen.document(1 + gen.pick(40));
        auto doc = policyFrom(yaml);
        // Policies the validator says can never fire (W065) must never decide.
        ValidationOptions vopt;
        vopt.checkFiles = false;
        vopt.checkHostBinaries = false;
        std::set<std::string> neverFire;
        for (const auto &diag : PolicyValidator::checkText(yaml, "random.policy.yaml", vopt).diagnostics)
            if (diag.code == "W065")
                neverFire.insert(diag.message.substr(8, diag.message.find('\'', 8) - 8));
        std::string never;
        for (const auto &n : neverFire)
            never += n + " ";
        const DecisionEngine linear(doc, nullptr, options(false, TraceLevel::Full));
        const DecisionEngine indexed(doc, nullptr, options(true, TraceLevel::Full));
        SessionState linearState("s");
        SessionState indexedState("s");
        for (int i = 0; i < 60; ++i) {
            const std::string json = gen.anyRequest();
            Request a = request(json);
            Request b = request(json);
            const Decision dl = linear.decide(a, linearState);
            const Decision di = indexed.decide(b, indexedState);
            const QString where = QStringLiteral("round %1 request %2\n%3\n%4")
                                   .arg(round)
                                   .arg(i)
                                   .arg(QString::fromStdString(yaml), QString::fromStdString(json))
                + QStringLiteral("\nW065: ") + QString::fromStdString(never) + QStringLiteral("decided by ")
                + QString::fromStdString(dl.policy);
            CHECK(dl.outcome == di.outcome);
            CHECK(dl.layer == di.layer);
            CHECK(dl.policy == di.policy);
            CHECK(dl.policyIndex == di.policyIndex);
            CHECK(dl.message == di.message);
            CHECK(dl.output == di.output);
            CHECK(dl.delaySeconds == di.delaySeconds);
            CHECK(dl.escalation == di.escalation);
            CHECK(!neverFire.contains(dl.policy));
            // Every policy in the same place; a skipped one is one the scan
            // found false without an error.
            const auto sl = stepsOf(dl);
            const auto si = stepsOf(di);
            CHECK(sl.size() == si.size());
            for (std::size_t k = 0; k < sl.size(); ++k) {
                CHECK(sl[k].name == si[k].name);
                if (si[k].skipped) {
                    CHECK(!sl[k].matched && !sl[k].error);
                    ++skipped;
                } else {
                    CHECK(sl[k].matched == si[k].matched && sl[k].error == si[k].error);
                }
            }
            // The decisive trace decides the same as the full one.
            const DecisionEngine decisive(doc, nullptr, options(true, TraceLevel::Decisive));
            const Decision dd = decideOnce(decisive, json);
            const Decision df = decideOnce(indexed, json);
            CHECK(dd.outcome == df.outcome && dd.policy == df.policy && dd.output == df.output);
            ++decisions;
        }
    }
    // The generator must exercise the index, or the comparison proves nothing.
    QVERIFY2(skipped > decisions / 2, qPrintable(QStringLiteral("only %1 skipped policies in %2 decisions")
                                                  .arg(skipped)
                                                  .arg(decisions)));
}

void TestPolicyIndex::pinsThroughAndAndParentheses()
{
    auto doc = policyFrom(R"(version: 1
name: pins
policies:
  - {name: a, trigger: tool_call, condition: "session.total_cost > 1.0 and tool.name == 'x'", action: block}
  - {name: b, trigger: tool_call, condition: "(tool.name != 'q' and (tool.name in ['y', 'z'])) and session.total_cost >= 0.0", action: block}
  - {name: c, trigger: tool_call, condition: "'w' == tool.name", action: block}
  - {name: d, trigger: tool_call, condition: "tool.name == 'v' or tool.name == 'u'", action: block}
)");
    const DecisionEngine engine(doc);
    QVERIFY(!engine.indexedBy(0)); // an ordering before the pin can fail: not indexed
    QCOMPARE(engine.indexedBy(1), std::optional<Var>(Var::ToolName));
    QCOMPARE(engine.indexedBy(2), std::optional<Var>(Var::ToolName));
    QVERIFY(!engine.indexedBy(3)); // 'or' pins nothing
    QCOMPARE(outcome(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"z"}})")), QStringLiteral("block"));
    QCOMPARE(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"z"}})").policy, std::string("b"));
    QCOMPARE(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"w"}})").policy, std::string("c"));
    QCOMPARE(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"u"}})").policy, std::string("d"));
    QCOMPARE(outcome(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"n"}})")), QStringLiteral("allow"));
}

void TestPolicyIndex::noPinAfterAConjunctThatCanFail()
{
    // len(null) fails, and a block fails closed: for any tool, not only 'x'.
    auto doc = policyFrom(R"(version: 1
name: failing
policies:
  - {name: fails-first, trigger: tool_call, condition: "len(tool.args.text) > 3 and tool.name == 'x'", action: block}
)");
    const DecisionEngine engine(doc);
    QVERIFY(!engine.indexedBy(0));
    const Decision d = decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"other","args":{}}})");
    QCOMPARE(outcome(d), QStringLiteral("block"));
    QCOMPARE(d.policy, std::string("fails-first"));
    // After the pin, the same conjunct is short-circuited away for other tools.
    auto pinned = policyFrom(R"(version: 1
name: pinned
policies:
  - {name: pin-first, trigger: tool_call, condition: "tool.name == 'x' and len(tool.args.text) > 3", action: block}
)");
    const DecisionEngine e2(pinned);
    QCOMPARE(e2.indexedBy(0), std::optional<Var>(Var::ToolName));
    QCOMPARE(outcome(decideOnce(e2, R"({"trigger":"tool_call","tool":{"name":"other","args":{}}})")),
             QStringLiteral("allow"));
    QCOMPARE(outcome(decideOnce(e2, R"({"trigger":"tool_call","tool":{"name":"x","args":{}}})")),
             QStringLiteral("block"));
}

void TestPolicyIndex::numbersMatchAcrossIntAndFloat()
{
    auto doc = policyFrom(R"(version: 1
name: numbers
network:
  rules: [{tool: "*", allowed_hosts: [h.example], allowed_ports: [443]}]
policies:
  - {name: port, trigger: network_egress, condition: "destination.port == 443.0", action: block}
  - {name: cost, trigger: tool_call, condition: "session.total_cost == 3", action: block}
  - {name: half, trigger: tool_call, condition: "session.total_cost == 2.5", action: log}
)");
    const DecisionEngine engine(doc);
    QCOMPARE(engine.indexedBy(0), std::optional<Var>(Var::DestinationPort));
    QCOMPARE(engine.indexedBy(1), std::optional<Var>(Var::SessionTotalCost));
    QVERIFY(!engine.indexedBy(2)); // not a whole number: evaluated for every request
    QCOMPARE(decideOnce(engine, R"({"trigger":"network_egress","destination":{"host":"h.example","port":443,"protocol":"https"}})")
                 .policy,
             std::string("port"));
    QCOMPARE(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"t"},"session":{"total_cost":3}})").policy,
             std::string("cost"));
    QCOMPARE(decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"t"},"session":{"total_cost":2.5}})").policy,
             std::string("half"));
}

void TestPolicyIndex::addressIsNeverAnIndexKey()
{
    // The address is null before DNS: refusalWithoutAddress must stop at this
    // policy rather than skip it.
    auto doc = policyFrom(R"(version: 1
name: address
network:
  rules: [{tool: "*", allowed_hosts: [h.example], allowed_ports: [443]}]
policies:
  - {name: by-ip, trigger: network_egress, condition: "destination.ip == '192.0.2.1'", action: block}
)");
    const DecisionEngine engine(doc);
    QVERIFY(!engine.indexedBy(0));
    SessionState s("s");
    Request r = request(R"({"trigger":"network_egress","destination":{"host":"h.example","port":443,"protocol":"https"}})");
    engine.derive(r, s);
    QVERIFY(r.get(Var::DestinationIp).isNull());
    QVERIFY(!engine.refusalWithoutAddress(r, s)); // undecided until the address is known
}

void TestPolicyIndex::decisiveTraceSummarisesSkippedRuns()
{
    std::string yaml = "version: 1\nname: many\npolicies:\n";
    for (int i = 0; i < 50; ++i)
        yaml += "  - {name: p" + std::to_string(i) + ", trigger: tool_call, condition: \"tool.name == 'tool_"
            + std::to_string(i) + "' and session.total_cost > 5.0\", action: block}\n";
    yaml += "  - {name: last, trigger: tool_call, condition: \"session.total_cost > 100.0\", action: block}\n";
    const DecisionEngine engine(policyFrom(yaml));
    const std::string json = decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"tool_7"}})").toJson();
    QVERIFY2(json.find(R"({"layer":"policy","skipped":7,"because":"tool.name"},{"layer":"policy","policy":"p7","matched":false,"reads":{"tool.name":"tool_7","session.total_cost":0}},{"layer":"policy","skipped":42,"because":"tool.name"},{"layer":"policy","policy":"last","matched":false)")
                 != std::string::npos,
             json.c_str());
    // A request no policy names evaluates only the unpinned one.
    const Decision d = decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"none"}})");
    QCOMPARE(stepsOf(d).size(), std::size_t(1));
    QVERIFY(d.toJson().find(R"({"layer":"policy","skipped":50,"because":"tool.name"})") != std::string::npos);
}

void TestPolicyIndex::fullTraceMarksSkippedPolicies()
{
    const DecisionEngine engine(policyFrom(R"(version: 1
name: full
policies:
  - {name: a, trigger: tool_call, condition: "tool.name == 'a'", action: block}
  - {name: b, trigger: tool_call, condition: "tool.name == 'b'", action: block}
)"),
                                nullptr, options(true, TraceLevel::Full));
    const std::string json = decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"b"}})").toJson();
    QVERIFY2(json.find(R"({"layer":"policy","policy":"a","matched":false,"reads":{},"skipped_by_index":"tool.name"},{"layer":"policy","policy":"b","matched":true,"reads":{"tool.name":"b"}})")
                 != std::string::npos,
             json.c_str());
}

void TestPolicyIndex::noneTraceIsEmpty()
{
    const DecisionEngine engine(policyFrom(R"(version: 1
name: none
policies:
  - {name: a, trigger: tool_call, condition: "tool.name == 'a'", action: block, message: no}
)"),
                                nullptr, options(true, TraceLevel::None));
    const Decision d = decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"a"}})");
    QCOMPARE(outcome(d), QStringLiteral("block"));
    QVERIFY2(d.toJson().ends_with(R"("trace":[]})"), d.toJson().c_str());
}

void TestPolicyIndex::traceLevelNames()
{
    for (auto l : {TraceLevel::None, TraceLevel::Decisive, TraceLevel::Full})
        QCOMPARE(traceLevelFromName(traceLevelName(l)), std::optional<TraceLevel>(l));
    QVERIFY(!traceLevelFromName("verbose"));
}

namespace {
std::vector<Diagnostic> diagnosticsOf(const std::string &yaml, const std::string &code)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    std::vector<Diagnostic> out;
    for (const auto &d : PolicyValidator::checkText(yaml, "t.policy.yaml", opt).diagnostics)
        if (d.code == code)
            out.push_back(d);
    return out;
}
} // namespace

void TestPolicyIndex::sameConditionThatCanFailIsNotShadowed()
{
    // A failing redact or log lets evaluation go on to the block with the
    // same condition, which then fails closed: it can fire.
    for (const char *first : {"redact", "log", "allow", "throttle\n    delay_seconds: 1"}) {
        const std::string yaml = std::string("version: 1\nname: x\npolicies:\n  - name: first\n    trigger: tool_call\n"
                                             "    condition: tool.args.n > 3\n    action: ")
            + first + "\n  - name: second\n    trigger: tool_call\n    condition: tool.args.n > 3\n    action: block\n";
        QVERIFY2(diagnosticsOf(yaml, "W065").empty(), first);
        const DecisionEngine engine(policyFrom(yaml));
        const Decision d = decideOnce(engine, R"({"trigger":"tool_call","tool":{"name":"t","args":{"n":"seven"}}})");
        QCOMPARE(d.policy, std::string("second"));
        QCOMPARE(outcome(d), QStringLiteral("block"));
    }
    // A block with the same condition does shadow it.
    QCOMPARE(diagnosticsOf("version: 1\nname: x\npolicies:\n  - {name: a, trigger: tool_call, condition: 'tool.args.n > 3', "
                           "action: block}\n  - {name: b, trigger: tool_call, condition: 'tool.args.n > 3', action: log}\n",
                           "W065")
                 .size(),
             std::size_t(1));
}

void TestPolicyIndex::pinCoverageIsReported()
{
    const std::string yaml = R"(version: 1
name: x
policies:
  - {name: mail, trigger: tool_call, condition: "tool.name in ['a', 'b']", action: escalate}
  - {name: covered, trigger: tool_call, condition: "tool.name == 'b' and session.total_cost > 1.0", action: block}
  - {name: partly, trigger: tool_call, condition: "tool.name in ['b', 'c']", action: block}
  - {name: other-var, trigger: data_output, condition: "tool.name == 'a'", action: block}
)";
    const auto w = diagnosticsOf(yaml, "W065");
    QCOMPARE(w.size(), std::size_t(1));
    QVERIFY2(w[0].message.find("policy 'covered' can never fire: 'mail' (line 4) has the same trigger and matches every "
                               "request whose tool.name is \"b\"")
                 == 0,
             w[0].message.c_str());
}

void TestPolicyIndex::shadowingsAreData()
{
    // Each reason, as data the studio does not read back from W065's text
    // (a name may hold anything that text has).
    const std::string file = OSH_TEST_DATA_DIR "/shadowing/names.policy.yaml";
    const auto checked = PolicyValidator::checkFile(file);
    QVERIFY(checked.document);
    const auto s = PolicyValidator::shadowings(*checked.document);
    QCOMPARE(s.size(), std::size_t(3));
    QCOMPARE(s[0].policy, std::string("later"));
    QCOMPARE(s[0].by, std::string("all' can never fire: 'x' (line 9)"));
    QCOMPARE(s[0].byLine, 7);
    QVERIFY(s[0].reason == Shadowing::Reason::AlwaysMatches);
    QCOMPARE(s[0].pos.line, 8);
    QCOMPARE(s[1].policy, std::string("covered"));
    QCOMPARE(s[1].by, std::string("mail"));
    QVERIFY(s[1].reason == Shadowing::Reason::CoversValues);
    QCOMPARE(s[1].variable, std::string("tool.name"));
    QCOMPARE(s[1].values, std::vector<std::string>{"\"b\""});
    QCOMPARE(s[2].policy, std::string("same2"));
    QCOMPARE(s[2].by, std::string("same1"));
    QVERIFY(s[2].reason == Shadowing::Reason::SameCondition);
    // The same three as W065, one each.
    QCOMPARE(std::count_if(checked.diagnostics.begin(), checked.diagnostics.end(), [](const Diagnostic &d) { return d.code == "W065"; }),
             std::ptrdiff_t(s.size()));
}

QTEST_GUILESS_MAIN(TestPolicyIndex)
#include "tst_policyindex.moc"
