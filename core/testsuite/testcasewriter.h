#pragma once
// Appends a case to a test file as YAML text, leaving what the file
// already says untouched (comments, order, formatting): the simulator's
// "Save as test case".

#include "engine/decision.h"

#include <string>

namespace osh {

class TestCaseWriter
{
public:
    // The YAML of one case as a list item, each line prefixed by indent
    // spaces. requestJson: a request in the eval format.
    static bool caseYaml(const std::string &name, const std::string &requestJson, const Decision &expect, int indent,
                         std::string &out, std::string &error);

    // Appends the case to file. A missing file is created with
    // "policy: <policyRef>" (when not empty) and "cases:". An existing
    // file must end with a block-style 'cases' list (or an empty 'cases:').
    static bool appendCase(const std::string &file, const std::string &policyRef, const std::string &name,
                           const std::string &requestJson, const Decision &expect, std::string &error);
};

} // namespace osh
