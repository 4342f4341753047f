#pragma once
// The named things of a loaded policy document a user jumps to: policies,
// egress rules, filesystem rules and tools, with where they start.

#include "model/policy.h"

#include <QList>
#include <QString>

namespace osh::ui {

struct OutlineEntry
{
    QString label;  // policy or tool name, "tool → hosts", rule path
    QString kind;   // translated: "policy", "egress rule", ...
    int line = 0;   // 1-based, as in Locations
    int column = 0; // 1-based code points
};

QList<OutlineEntry> documentOutline(const PolicyDocument &doc);

} // namespace osh::ui
