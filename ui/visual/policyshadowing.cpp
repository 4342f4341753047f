// PolicyShadowing: the validator's shadowings in the studio's words.
#include "policyshadowing.h"

#include <QCoreApplication>

namespace osh::ui {

QList<PolicyShadowing> policyShadowings(const PolicyDocument *doc)
{
    QList<PolicyShadowing> out;
    if (!doc)
        return out;
    for (const auto &s : PolicyValidator::shadowings(*doc)) {
        PolicyShadowing p;
        p.policy = QString::fromStdString(s.policy);
        p.by = QString::fromStdString(s.by);
        p.reason = s.reason;
        p.variable = QString::fromStdString(s.variable);
        for (const auto &v : s.values)
            p.values << QString::fromStdString(v);
        p.pos = s.pos;
        out.push_back(std::move(p));
    }
    return out;
}

QString describeShadowing(const PolicyShadowing &s)
{
    switch (s.reason) {
    case Shadowing::Reason::AlwaysMatches:
        return QCoreApplication::translate("PolicyShadowing",
                                           "Policy '%1' is shadowed by '%2', which has the same trigger and always "
                                           "matches: '%1' can never fire.")
            .arg(s.policy, s.by);
    case Shadowing::Reason::SameCondition:
        return QCoreApplication::translate("PolicyShadowing",
                                           "Policy '%1' is shadowed by '%2', which has the same trigger and the same "
                                           "condition: '%1' can never fire.")
            .arg(s.policy, s.by);
    case Shadowing::Reason::CoversValues:
        break;
    }
    if (s.values.size() == 1)
        return QCoreApplication::translate("PolicyShadowing",
                                           "Policy '%1' is shadowed by '%2', which has the same trigger and matches "
                                           "every request whose %3 is %4: '%1' can never fire.")
            .arg(s.policy, s.by, s.variable, s.values.first());
    return QCoreApplication::translate("PolicyShadowing",
                                       "Policy '%1' is shadowed by '%2', which has the same trigger and matches every "
                                       "request whose %3 is one of %4: '%1' can never fire.")
        .arg(s.policy, s.by, s.variable, s.values.join(QStringLiteral(", ")));
}

} // namespace osh::ui
