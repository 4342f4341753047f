#pragma once
// Which parts of a policy document the cases exercised: policies whose
// condition some case evaluated, policies some case matched, and the
// network/filesystem rules that decided some case (by 0-based index, as
// in the decision trace).

#include "engine/decision.h"
#include "model/policy.h"

#include <set>
#include <string>
#include <vector>

namespace osh {

struct CoverageReport
{
    std::string policyFile;
    std::vector<std::string> unevaluatedPolicies; // no case's trace evaluated them
    std::vector<std::string> unmatchedPolicies;   // no case matched them
    std::vector<int> uncoveredNetworkRules;
    std::vector<int> uncoveredFilesystemRules;
    int policyCount = 0;
    int networkRuleCount = 0;
    int filesystemRuleCount = 0;

    bool complete() const
    {
        return unevaluatedPolicies.empty() && unmatchedPolicies.empty() && uncoveredNetworkRules.empty()
            && uncoveredFilesystemRules.empty();
    }
};

class TestCoverage
{
public:
    void record(const Decision &decision);
    void merge(const TestCoverage &other);
    CoverageReport report(const PolicyDocument &doc, const std::string &policyFile) const;

private:
    std::set<std::string, std::less<>> m_evaluated;
    std::set<std::string, std::less<>> m_matched;
    std::set<int> m_networkRules;
    std::set<int> m_filesystemRules;
};

} // namespace osh
