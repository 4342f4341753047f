#pragma once
// Semantic checks of a loaded policy document (everything the loader cannot
// see from one key alone): conditions against their triggers, shadowed
// policies, egress rules, paths, tools, secrets in the environment. Every
// code is documented in docs/diagnostics.md.

#include "model/policy.h"
#include "model/policyloader.h"
#include "model/yamltree.h"

#include <string>
#include <vector>

namespace osh {

struct ValidationOptions
{
    // Folder relative paths (tool commands, rule sources) resolve against;
    // empty: the policy file's folder, or no file checks for in-memory text.
    std::string baseDir;
    bool checkFiles = true;       // W056, W083
    bool checkHostBinaries = true; // W032 (firecracker)
};

// A policy that can never fire because an earlier policy of the same
// trigger always decides first (the data behind W065).
struct Shadowing
{
    enum class Reason {
        AlwaysMatches, // the earlier condition is always true
        SameCondition, // the same condition, and the earlier decides even when it fails
        CoversValues,  // the earlier matches every value of variable this one is limited to
    };
    std::string policy; // the policy that can never fire
    std::string by;     // the earlier policy that decides first
    int byLine = 0;     // where `by` is declared
    Reason reason = Reason::AlwaysMatches;
    std::string variable;            // CoversValues: e.g. "tool.name"
    std::vector<std::string> values; // CoversValues: the values this policy is limited to, as JSON
    SourcePos pos;                   // the shadowed policy's name
};

class PolicyValidator
{
public:
    // Appends the semantic diagnostics for doc to out. tree is the YAML the
    // document came from (for condition positions); it may be null.
    static void validate(const PolicyDocument &doc, const yaml::Document *tree, const ValidationOptions &options,
                         Diagnostics &out);

    // Load + validate, diagnostics sorted by position.
    static LoadResult checkText(std::string_view text, const std::string &fileName,
                                const ValidationOptions &options = {});
    static LoadResult checkFile(const std::string &path, ValidationOptions options = {});

    // The policies of doc that can never fire, in document order.
    static std::vector<Shadowing> shadowings(const PolicyDocument &doc);
};

} // namespace osh
