#pragma once
// Runs every tests/*.yaml of a workspace: loads each file, loads (once) the
// policy it names, runs its cases and gathers coverage per policy file.

#include "testsuite/testcoverage.h"
#include "testsuite/testrunner.h"

#include <string>
#include <vector>

namespace osh {

struct WorkspaceTestResult
{
    std::vector<SuiteResult> suites;
    std::vector<CoverageReport> coverage; // one per policy file the suites ran against
    Diagnostics diagnostics;              // workspace-level problems (no test files)

    int caseCount() const;
    int failedCount() const;
    int erroredSuites() const; // suites that could not run
    bool ok() const { return failedCount() == 0 && erroredSuites() == 0 && !hasErrors(diagnostics); }
};

class WorkspaceTests
{
public:
    static WorkspaceTestResult run(const std::string &workspaceDir);
    // One test file (the workspace decides the default policy).
    static SuiteResult runFile(const std::string &file, const std::string &workspaceDir);
};

} // namespace osh
