#pragma once
// Saves a PolicyDocument as YAML. Keys the source had and values that differ
// from the defaults are written, in the spec's order, so that
// load(save(load(x))) == load(x). Comments and formatting are not kept here;
// the studio edits text in place when it must keep them.

#include "model/policy.h"

#include <string>

namespace osh {

class PolicyWriter
{
public:
    static std::string toYaml(const PolicyDocument &doc);
};

} // namespace osh
