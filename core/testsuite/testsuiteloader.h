#pragma once
// Loads a policy test file (docs/policy-tests.md) into a TestSuite,
// reporting every problem with its position (codes T001..T012), and
// resolves the policy the cases run against.

#include "testsuite/testsuite.h"

#include <string>
#include <string_view>

namespace osh {

class TestSuiteLoader
{
public:
    // workspaceDir: where the default policy is looked for (the workspace's
    // only *.policy.yaml) when the file names none.
    static TestSuite loadText(std::string_view text, const std::string &fileName, const std::string &workspaceDir);
    static TestSuite loadFile(const std::string &path, const std::string &workspaceDir);

    // The *.policy.yaml files directly in a workspace folder, sorted.
    static std::vector<std::string> workspacePolicies(const std::string &workspaceDir);
    // The tests/*.yaml (and *.yml) files of a workspace, sorted.
    static std::vector<std::string> workspaceTestFiles(const std::string &workspaceDir);
};

} // namespace osh
