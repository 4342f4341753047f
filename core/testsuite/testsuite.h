#pragma once
// The policy test-case format (docs/policy-tests.md): one file of cases,
// each a request in the eval format plus the decision it must produce.

#include "util/diagnostic.h"

#include <optional>
#include <string>
#include <vector>

namespace osh {

// What a case must decide. Optional fields are compared only when the
// file states them; a stated null means "none" (no policy, no layer...).
struct TestExpectation
{
    std::string decision; // allow, log, block, redact, throttle, escalate
    bool checkPolicy = false;
    std::optional<std::string> policy;
    bool checkLayer = false;
    std::optional<std::string> layer; // sandbox, network, filesystem, policy
    bool checkOutput = false;
    std::optional<std::string> output;
    std::optional<std::string> messageContains;
};

struct TestCase
{
    std::string name;
    std::string requestJson; // the request mapping as JSON (Request::fromJson format)
    TestExpectation expect;
    SourcePos pos; // the case's mapping
    SourcePos requestPos;
};

struct TestSuite
{
    std::string file;       // the test file as given
    std::string policyFile; // resolved policy path (empty when it could not be resolved)
    bool separateSessions = false;
    std::vector<TestCase> cases;
    Diagnostics diagnostics;
};

} // namespace osh
