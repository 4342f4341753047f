#pragma once
// Loads a policy document: YAML text -> PolicyDocument, reporting every
// structural problem (unknown or missing keys, wrong types, bad enum values,
// out-of-range numbers) with its exact position. Semantic checks live in
// PolicyValidator. The loader never throws and never stops at the first
// error: everything that can be read is read.

#include "model/policy.h"
#include "model/yamltree.h"

#include <memory>
#include <string>
#include <string_view>

namespace osh {

struct LoadResult
{
    // Present unless the YAML itself could not be parsed (or was not a mapping).
    std::shared_ptr<PolicyDocument> document;
    std::shared_ptr<yaml::Document> tree;
    Diagnostics diagnostics;
};

class PolicyLoader
{
public:
    static LoadResult loadText(std::string_view text, const std::string &fileName);
    static LoadResult loadFile(const std::string &path);

    // Keys each mapping accepts, for completion and "did you mean".
    enum class Section { Root, Sandbox, Network, EgressRule, Filesystem, AccessRule, Policy, Tool, Agent };
    static const std::vector<std::string_view> &keysOf(Section s);
};

} // namespace osh
