#pragma once
// Which policies can never fire because an earlier policy of the same
// trigger always matches first. The analysis is the validator's (W065 in
// core/model/policyvalidator.cpp); this reads its findings back into names
// so the visual editor (after a reorder) and the Commit… dialog (for block
// policies made unreachable) can say which policy is shadowed by which.

#include "util/diagnostic.h"

#include <QList>
#include <QString>

namespace osh::ui {

struct PolicyShadowing
{
    QString policy;   // the policy that can never fire
    QString by;       // the earlier policy that always decides first
    QString why;      // "has the same trigger and always matches", ...
    SourcePos pos;    // the shadowed policy's name in the text

    friend bool operator==(const PolicyShadowing &a, const PolicyShadowing &b)
    {
        return a.policy == b.policy && a.by == b.by;
    }
};

// The shadowings among diagnostics (those with code W065), in their order.
QList<PolicyShadowing> policyShadowings(const Diagnostics &diagnostics);

// "Policy 'b' is shadowed by 'a', which has the same trigger and always
// matches: 'b' can never fire.", translated.
QString describeShadowing(const PolicyShadowing &s);

} // namespace osh::ui
