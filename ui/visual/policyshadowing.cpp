// PolicyShadowing: the validator's W065 findings as (shadowed, by) names.
#include "policyshadowing.h"

#include <QCoreApplication>

namespace osh::ui {

namespace {

// The validator writes: policy 'B' can never fire: 'A' (line N) WHY, and the first match wins
constexpr QLatin1StringView kHead("policy '");
constexpr QLatin1StringView kMiddle("' can never fire: '");
constexpr QLatin1StringView kLine("' (line ");
constexpr QLatin1StringView kTail(", and the first match wins");

} // namespace

QList<PolicyShadowing> policyShadowings(const Diagnostics &diagnostics)
{
    QList<PolicyShadowing> out;
    for (const auto &d : diagnostics) {
        if (d.code != "W065")
            continue;
        const QString m = QString::fromStdString(d.message);
        const auto middle = m.indexOf(kMiddle);
        const auto line = middle < 0 ? -1 : m.indexOf(kLine, middle + kMiddle.size());
        if (!m.startsWith(kHead) || line < 0)
            continue;
        PolicyShadowing s;
        s.policy = m.mid(kHead.size(), middle - kHead.size());
        s.by = m.mid(middle + kMiddle.size(), line - middle - kMiddle.size());
        const auto close = m.indexOf(QLatin1Char(')'), line);
        QString why = close < 0 ? QString() : m.mid(close + 1).trimmed();
        if (why.endsWith(kTail))
            why.chop(kTail.size());
        s.why = why;
        s.pos = d.begin;
        out.push_back(std::move(s));
    }
    return out;
}

QString describeShadowing(const PolicyShadowing &s)
{
    if (s.why.isEmpty())
        return QCoreApplication::translate("PolicyShadowing", "Policy '%1' is shadowed by '%2': it can never fire.")
            .arg(s.policy, s.by);
    return QCoreApplication::translate("PolicyShadowing",
                                       "Policy '%1' is shadowed by '%2', which %3: '%1' can never fire.")
        .arg(s.policy, s.by, s.why);
}

} // namespace osh::ui
