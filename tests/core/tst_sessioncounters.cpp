// Session-derived fields (spec section 5): total cost, tool-call counts,
// calls in the last minute, elapsed time; values given in a request win.

#include "enginetesthelpers.h"

using namespace osh;
using namespace osh::test;

namespace {
const char *kDoc = R"(version: 1
name: counters
policies:
  - name: spy
    trigger: tool_call
    condition: session.total_cost >= 0 and session.tool_calls >= 0 and tool.calls_in_last_minute >= 0 and session.elapsed_seconds >= 0 and session.id != ''
    action: log
tools:
  - {name: a, command: [a], cost_per_call: 0.5}
  - {name: b, command: [b]}
)";

double readOf(const Decision &d, const char *path)
{
    for (const auto &r : d.reads)
        if (r.path == path)
            return r.value.toNumber();
    qFatal("no read of %s", path);
}
} // namespace

class TstSessionCounters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void derivedInOrder()
    {
        Session s(kDoc);
        auto d = s.decide(R"({"trigger":"tool_call","ts":100,"tool":{"name":"a"},"cost":1.0})");
        QCOMPARE(readOf(d, "session.total_cost"), 0.0);
        QCOMPARE(readOf(d, "session.tool_calls"), 0.0);
        QCOMPARE(readOf(d, "tool.calls_in_last_minute"), 0.0);
        QCOMPARE(readOf(d, "session.elapsed_seconds"), 0.0);

        d = s.decide(R"({"trigger":"tool_call","ts":130,"tool":{"name":"a"}})");
        QCOMPARE(readOf(d, "session.total_cost"), 1.5); // request cost + cost_per_call
        QCOMPARE(readOf(d, "session.tool_calls"), 1.0);
        QCOMPARE(readOf(d, "tool.calls_in_last_minute"), 1.0);
        QCOMPARE(readOf(d, "session.elapsed_seconds"), 30.0);

        // Other triggers add cost but are not tool calls.
        s.decide(R"({"trigger":"data_output","ts":131,"output":"x","cost":0.25})");
        d = s.decide(R"({"trigger":"tool_call","ts":150,"tool":{"name":"b"}})");
        QCOMPARE(readOf(d, "session.total_cost"), 2.25);
        QCOMPARE(readOf(d, "session.tool_calls"), 2.0);
        QCOMPARE(readOf(d, "tool.calls_in_last_minute"), 0.0); // per tool

        d = s.decide(R"({"trigger":"tool_call","ts":161,"tool":{"name":"a"}})");
        QCOMPARE(readOf(d, "tool.calls_in_last_minute"), 1.0); // the call at 100 left the minute
        QCOMPARE(readOf(d, "session.elapsed_seconds"), 61.0);
    }

    void givenValuesWin()
    {
        Session s(kDoc);
        s.decide(R"({"trigger":"tool_call","ts":0,"tool":{"name":"a"},"cost":3})");
        const auto d = s.decide(R"({"trigger":"tool_call","ts":1,"tool":{"name":"a","calls_in_last_minute":40},"session":{"total_cost":9.5,"tool_calls":7,"elapsed_seconds":2.5,"id":"given"}})");
        QCOMPARE(readOf(d, "session.total_cost"), 9.5);
        QCOMPARE(readOf(d, "session.tool_calls"), 7.0);
        QCOMPARE(readOf(d, "tool.calls_in_last_minute"), 40.0);
        QCOMPARE(readOf(d, "session.elapsed_seconds"), 2.5);
    }

    void blockedCallsStillCount()
    {
        Session s("version: 1\nname: b\npolicies:\n  - {name: no-x, trigger: tool_call, condition: \"tool.name == 'x'\", action: block}\n"
                  "  - {name: spy, trigger: tool_call, condition: 'session.tool_calls >= 0', action: log}\n");
        s.decide(R"({"trigger":"tool_call","ts":0,"tool":{"name":"x"}})");
        s.decide(R"({"trigger":"tool_call","ts":1,"tool":{"name":"x"}})");
        const auto d = s.decide(R"({"trigger":"tool_call","ts":2,"tool":{"name":"y"}})");
        QCOMPARE(readOf(d, "session.tool_calls"), 2.0);
    }

    void sessionIdIsTheSessions()
    {
        Session s(kDoc);
        const auto d = s.decide(R"({"trigger":"tool_call","tool":{"name":"a"}})");
        bool seen = false;
        for (const auto &r : d.reads)
            if (r.path == "session.id") {
                QCOMPARE(r.value.toString(), std::string("test-session"));
                seen = true;
            }
        QVERIFY(seen);
    }

    void costLimitFromSeed()
    {
        // The seed's cost-limit policy over a session that accumulates cost.
        Session s("version: 1\nname: c\npolicies:\n  - name: cost-limit\n    trigger: tool_call\n    condition: session.total_cost > 5.0\n"
                  "    action: block\n    message: Session cost limit exceeded. Requesting human approval.\n    escalation: human_queue\n");
        for (int i = 0; i < 5; ++i)
            QCOMPARE(s.decide(R"({"trigger":"tool_call","tool":{"name":"llm"},"cost":1.2})").outcome, Action::Allow);
        const auto d = s.decide(R"({"trigger":"tool_call","tool":{"name":"llm"},"cost":1.2})");
        QCOMPARE(d.outcome, Action::Block);
        QCOMPARE(d.escalation, std::string("human_queue"));
    }
};

QTEST_GUILESS_MAIN(TstSessionCounters)
#include "tst_sessioncounters.moc"
