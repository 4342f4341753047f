#pragma once
// Runs the cases of one test suite against a policy document: one engine
// session for the whole file (counters derive as in `osctl eval`) unless
// the file asks for separate sessions, and compares each decision with
// the case's expectation.

#include "engine/decision.h"
#include "model/policy.h"
#include "testsuite/testcoverage.h"
#include "testsuite/testsuite.h"

#include <memory>
#include <string>
#include <vector>

namespace osh {

struct CaseResult
{
    std::string name;
    bool passed = false;
    std::vector<std::string> failures; // "decision: expected block, got allow"
    std::string expected;              // the expectation, one line
    std::string actual;                // the same fields of the decision, one line
    std::string decisionJson;          // the full decision, with its trace
    std::string requestJson;
    SourcePos pos;
};

struct SuiteResult
{
    std::string file;
    std::string policyFile;
    Diagnostics diagnostics; // loader and policy problems
    bool ran = false;        // false: errors kept the cases from running
    std::vector<CaseResult> cases;
    TestCoverage coverage;

    int failedCount() const;
    bool ok() const { return ran && failedCount() == 0; }
};

class TestRunner
{
public:
    // Decides every case of suite against doc.
    static SuiteResult run(const TestSuite &suite, std::shared_ptr<const PolicyDocument> doc);
    // Compares one decision with an expectation; empty: it passes.
    static std::vector<std::string> compare(const TestExpectation &expect, const Decision &d);
    static std::string describe(const TestExpectation &expect);
    static std::string describe(const TestExpectation &expect, const Decision &d);
};

} // namespace osh
