#pragma once
// Semantic checks of a loaded policy document (everything the loader cannot
// see from one key alone): conditions against their triggers, shadowed
// policies, egress rules, paths, tools, secrets in the environment. Every
// code is documented in docs/diagnostics.md.

#include "model/policy.h"
#include "model/policyloader.h"
#include "model/yamltree.h"

#include <string>

namespace osh {

struct ValidationOptions
{
    // Folder relative paths (tool commands, rule sources) resolve against;
    // empty: the policy file's folder, or no file checks for in-memory text.
    std::string baseDir;
    bool checkFiles = true;       // W056, W083
    bool checkHostBinaries = true; // W032 (firecracker)
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
};

} // namespace osh
