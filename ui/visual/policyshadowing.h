#pragma once
// Which policies can never fire because an earlier policy of the same
// trigger always matches first. The analysis is the validator's
// (PolicyValidator::shadowings, the data behind W065); this turns it into
// the studio's words, so the visual editor (after a reorder) and the
// Commit… dialog (for block policies made unreachable) can say which
// policy is shadowed by which, and why.

#include "model/policyvalidator.h"

#include <QList>
#include <QString>

namespace osh::ui {

struct PolicyShadowing
{
    QString policy; // the policy that can never fire
    QString by;     // the earlier policy that always decides first
    Shadowing::Reason reason = Shadowing::Reason::AlwaysMatches;
    QString variable;    // CoversValues: the variable, e.g. tool.name
    QStringList values;  // CoversValues: the values the policy is limited to (JSON)
    SourcePos pos;       // the shadowed policy's name in the text

    friend bool operator==(const PolicyShadowing &a, const PolicyShadowing &b)
    {
        return a.policy == b.policy && a.by == b.by;
    }
};

// The shadowed policies of doc, in document order; none without a document.
QList<PolicyShadowing> policyShadowings(const PolicyDocument *doc);

// "Policy 'b' is shadowed by 'a', which has the same trigger and always
// matches: 'b' can never fire.", translated.
QString describeShadowing(const PolicyShadowing &s);

} // namespace osh::ui
