#include "workspacetests.h"

#include "model/policyvalidator.h"
#include "testsuite/testsuiteloader.h"

#include <map>
#include <memory>

namespace osh {

namespace {

struct LoadedPolicy
{
    std::shared_ptr<const PolicyDocument> doc;
    Diagnostics errors;
};

class PolicyCache
{
public:
    const LoadedPolicy &get(const std::string &file)
    {
        auto it = m_policies.find(file);
        if (it != m_policies.end())
            return it->second;
        ValidationOptions opt;
        opt.checkFiles = false;
        auto loaded = PolicyValidator::checkFile(file, opt);
        LoadedPolicy p;
        for (const auto &d : loaded.diagnostics)
            if (d.severity == Severity::Error)
                p.errors.push_back(d);
        if (loaded.document && p.errors.empty())
            p.doc = loaded.document;
        return m_policies.emplace(file, std::move(p)).first->second;
    }

private:
    std::map<std::string, LoadedPolicy> m_policies;
};

SuiteResult runWith(const std::string &file, const std::string &workspaceDir, PolicyCache &cache)
{
    TestSuite suite = TestSuiteLoader::loadFile(file, workspaceDir);
    std::shared_ptr<const PolicyDocument> doc;
    if (!suite.policyFile.empty() && !hasErrors(suite.diagnostics)) {
        const auto &p = cache.get(suite.policyFile);
        doc = p.doc;
        if (!doc) {
            suite.diagnostics.push_back({"T007", Severity::Error, suite.file, {1, 1}, {},
                                         "the policy '" + suite.policyFile + "' has "
                                             + std::to_string(p.errors.size()) + " error(s)"
                                             + (p.errors.empty() ? "" : "; first: " + p.errors.front().format()),
                                         {}});
        }
    }
    return TestRunner::run(suite, doc);
}

} // namespace

int WorkspaceTestResult::caseCount() const
{
    int n = 0;
    for (const auto &s : suites)
        n += static_cast<int>(s.cases.size());
    return n;
}

int WorkspaceTestResult::failedCount() const
{
    int n = 0;
    for (const auto &s : suites)
        n += s.failedCount();
    return n;
}

int WorkspaceTestResult::erroredSuites() const
{
    int n = 0;
    for (const auto &s : suites)
        n += s.ran ? 0 : 1;
    return n;
}

SuiteResult WorkspaceTests::runFile(const std::string &file, const std::string &workspaceDir)
{
    PolicyCache cache;
    return runWith(file, workspaceDir, cache);
}

WorkspaceTestResult WorkspaceTests::run(const std::string &workspaceDir)
{
    WorkspaceTestResult result;
    const auto files = TestSuiteLoader::workspaceTestFiles(workspaceDir);
    if (files.empty()) {
        result.diagnostics.push_back({"T013", Severity::Error, workspaceDir, {}, {},
                                      "the workspace has no test files (tests/*.yaml)", {}});
        return result;
    }
    PolicyCache cache;
    std::map<std::string, TestCoverage> byPolicy;
    for (const auto &f : files) {
        result.suites.push_back(runWith(f, workspaceDir, cache));
        const auto &s = result.suites.back();
        if (s.ran)
            byPolicy[s.policyFile].merge(s.coverage);
    }
    for (const auto &[file, cov] : byPolicy)
        if (const auto &p = cache.get(file); p.doc)
            result.coverage.push_back(cov.report(*p.doc, file));
    return result;
}

} // namespace osh
