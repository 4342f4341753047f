#pragma once
// Helpers for the decision-engine tests: a policy from text, and requests
// decided as one session.

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"

#include <QTest>

#include <memory>
#include <string>

namespace osh::test {

inline std::shared_ptr<const PolicyDocument> policyFrom(const std::string &text)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    auto res = PolicyValidator::checkText(text, "test.policy.yaml", opt);
    if (!res.document || hasErrors(res.diagnostics)) {
        std::string all;
        for (const auto &d : res.diagnostics)
            all += d.format() + "\n";
        qFatal("test policy does not validate:\n%s", all.c_str());
    }
    return res.document;
}

class Session
{
public:
    explicit Session(const std::string &policyText) : m_engine(policyFrom(policyText)) {}
    Decision decide(const std::string &json)
    {
        std::string err;
        auto r = Request::fromJson(json, err);
        if (!r)
            qFatal("bad test request %s: %s", json.c_str(), err.c_str());
        m_last = *r;
        return m_engine.decide(m_last, m_state);
    }
    const Request &lastRequest() const { return m_last; }
    const DecisionEngine &engine() const { return m_engine; }
    SessionState &state() { return m_state; }

private:
    DecisionEngine m_engine;
    SessionState m_state{"test-session"};
    Request m_last;
};

inline QString outcome(const Decision &d) { return QString::fromLatin1(actionName(d.outcome).data()); }
inline QString layer(const Decision &d) { return QString::fromLatin1(layerName(d.layer).data()); }

} // namespace osh::test
