#include "testcoverage.h"

namespace osh {

void TestCoverage::record(const Decision &decision)
{
    for (const auto &t : decision.trace) {
        if (t.isPolicy) {
            m_evaluated.emplace(t.policy);
            if (t.matched)
                m_matched.emplace(t.policy);
        } else if (t.rule >= 0 && t.layer == Layer::Network) {
            m_networkRules.insert(t.rule);
        } else if (t.rule >= 0 && t.layer == Layer::Filesystem) {
            m_filesystemRules.insert(t.rule);
        }
    }
}

void TestCoverage::merge(const TestCoverage &other)
{
    m_evaluated.insert(other.m_evaluated.begin(), other.m_evaluated.end());
    m_matched.insert(other.m_matched.begin(), other.m_matched.end());
    m_networkRules.insert(other.m_networkRules.begin(), other.m_networkRules.end());
    m_filesystemRules.insert(other.m_filesystemRules.begin(), other.m_filesystemRules.end());
}

CoverageReport TestCoverage::report(const PolicyDocument &doc, const std::string &policyFile) const
{
    CoverageReport r;
    r.policyFile = policyFile;
    r.policyCount = static_cast<int>(doc.policies.size());
    r.networkRuleCount = static_cast<int>(doc.network.rules.size());
    r.filesystemRuleCount = static_cast<int>(doc.filesystem.rules.size());
    for (const auto &p : doc.policies) {
        if (!m_evaluated.contains(p.name))
            r.unevaluatedPolicies.push_back(p.name);
        if (!m_matched.contains(p.name))
            r.unmatchedPolicies.push_back(p.name);
    }
    for (int i = 0; i < r.networkRuleCount; ++i)
        if (!m_networkRules.contains(i))
            r.uncoveredNetworkRules.push_back(i);
    for (int i = 0; i < r.filesystemRuleCount; ++i)
        if (!m_filesystemRules.contains(i))
            r.uncoveredFilesystemRules.push_back(i);
    return r;
}

} // namespace osh
