#include "testrunner.h"

#include "engine/decisionengine.h"
#include "engine/request.h"

#include <algorithm>

namespace osh {

namespace {

std::string orNull(const std::optional<std::string> &s)
{
    return s ? "'" + *s + "'" : std::string("null");
}

std::optional<std::string> nullIfEmpty(const std::string &s)
{
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<std::string> layerOf(const Decision &d)
{
    return d.layer == Layer::None ? std::nullopt : std::optional<std::string>(std::string(layerName(d.layer)));
}

} // namespace

int SuiteResult::failedCount() const
{
    return static_cast<int>(std::count_if(cases.begin(), cases.end(), [](const CaseResult &c) { return !c.passed; }));
}

std::vector<std::string> TestRunner::compare(const TestExpectation &e, const Decision &d)
{
    std::vector<std::string> f;
    const std::string decision(actionName(d.outcome));
    if (decision != e.decision)
        f.push_back("decision: expected " + e.decision + ", got " + decision);
    if (e.checkPolicy && e.policy != nullIfEmpty(d.policy))
        f.push_back("policy: expected " + orNull(e.policy) + ", got " + orNull(nullIfEmpty(d.policy)));
    if (e.checkLayer && e.layer != layerOf(d))
        f.push_back("layer: expected " + orNull(e.layer) + ", got " + orNull(layerOf(d)));
    if (e.checkOutput && e.output != d.output)
        f.push_back("output: expected " + orNull(e.output) + ", got " + orNull(d.output));
    if (e.messageContains && d.message.find(*e.messageContains) == std::string::npos)
        f.push_back("message: expected it to contain '" + *e.messageContains + "', got '" + d.message + "'");
    return f;
}

std::string TestRunner::describe(const TestExpectation &e)
{
    std::string s = e.decision;
    if (e.checkPolicy)
        s += " policy=" + orNull(e.policy);
    if (e.checkLayer)
        s += " layer=" + orNull(e.layer);
    if (e.checkOutput)
        s += " output=" + orNull(e.output);
    if (e.messageContains)
        s += " message~'" + *e.messageContains + "'";
    return s;
}

std::string TestRunner::describe(const TestExpectation &e, const Decision &d)
{
    std::string s(actionName(d.outcome));
    if (e.checkPolicy)
        s += " policy=" + orNull(nullIfEmpty(d.policy));
    if (e.checkLayer)
        s += " layer=" + orNull(layerOf(d));
    if (e.checkOutput)
        s += " output=" + orNull(d.output);
    if (e.messageContains)
        s += " message='" + d.message + "'";
    return s;
}

SuiteResult TestRunner::run(const TestSuite &suite, std::shared_ptr<const PolicyDocument> doc)
{
    SuiteResult result;
    result.file = suite.file;
    result.policyFile = suite.policyFile;
    result.diagnostics = suite.diagnostics;
    if (hasErrors(suite.diagnostics) || !doc)
        return result;
    for (const auto &c : suite.cases)
        if (c.expect.checkPolicy && c.expect.policy && !doc->findPolicy(*c.expect.policy))
            result.diagnostics.push_back({"T010", Severity::Warning, suite.file, c.pos, {},
                                          "case '" + c.name + "' expects policy '" + *c.expect.policy
                                              + "', which the policy document does not define",
                                          {}});
    const DecisionEngine engine(std::move(doc));
    SessionState session("test");
    result.ran = true;
    for (const auto &c : suite.cases) {
        if (suite.separateSessions)
            session = SessionState("test");
        CaseResult r;
        r.name = c.name;
        r.pos = c.pos;
        r.requestJson = c.requestJson;
        r.expected = describe(c.expect);
        std::string error;
        auto req = Request::fromJson(c.requestJson, error);
        if (!req) {
            // The loader checked every request; this only guards against drift.
            r.failures.push_back("invalid request: " + error);
        } else {
            const Decision d = engine.decide(*req, session);
            result.coverage.record(d);
            r.failures = compare(c.expect, d);
            r.actual = describe(c.expect, d);
            r.decisionJson = d.toJson();
        }
        r.passed = r.failures.empty();
        result.cases.push_back(std::move(r));
    }
    return result;
}

} // namespace osh
