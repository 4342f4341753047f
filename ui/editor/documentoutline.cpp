#include "editor/documentoutline.h"

#include "util/qtext.h"

#include <QCoreApplication>

namespace osh::ui {

namespace {
void add(QList<OutlineEntry> &out, QString label, const char *kind, const SourcePos &pos)
{
    if (pos.valid())
        out.append({std::move(label), QCoreApplication::translate("osh::ui::DocumentOutline", kind), pos.line,
                    pos.column});
}
} // namespace

QList<OutlineEntry> documentOutline(const PolicyDocument &doc)
{
    QList<OutlineEntry> out;
    for (const auto &p : doc.policies)
        add(out, qs(p.name), QT_TRANSLATE_NOOP("osh::ui::DocumentOutline", "policy"), p.loc.pos);
    for (const auto &r : doc.network.rules) {
        QStringList hosts;
        for (const auto &h : r.allowedHosts)
            hosts << qs(h);
        add(out, qs(r.tool) + QStringLiteral(" → ") + hosts.join(QStringLiteral(", ")),
            QT_TRANSLATE_NOOP("osh::ui::DocumentOutline", "egress rule"), r.loc.pos);
    }
    for (const auto &r : doc.filesystem.rules)
        add(out, qs(r.path), QT_TRANSLATE_NOOP("osh::ui::DocumentOutline", "filesystem rule"), r.loc.pos);
    for (const auto &t : doc.tools)
        add(out, qs(t.name), QT_TRANSLATE_NOOP("osh::ui::DocumentOutline", "tool"), t.loc.pos);
    return out;
}

} // namespace osh::ui
