#include "visualstate.h"

#include <QStringList>

namespace osh::ui {

VisualState::VisualState(std::string utf8, const Diagnostics &diags) : text(utf8)
{
    if (!text.ok())
        return;
    diagnostics.reserve(diags.size());
    for (const auto &d : diags)
        if (d.begin.valid())
            diagnostics.emplace_back(text.offsetOf(d.begin), d);
}

std::vector<Diagnostic> VisualState::within(const edit::Path &path) const
{
    std::vector<Diagnostic> out;
    const auto range = text.rangeOf(path);
    if (!range)
        return out;
    for (const auto &[offset, d] : diagnostics)
        if (offset >= range->first && offset < std::max(range->second, range->first + 1))
            out.push_back(d);
    return out;
}

QString describeDiagnostics(const std::vector<Diagnostic> &diagnostics)
{
    QStringList lines;
    for (const auto &d : diagnostics)
        lines << QStringLiteral("[%1] %2").arg(QString::fromStdString(d.code), QString::fromStdString(d.message));
    return lines.join(QLatin1Char('\n'));
}

Severity worstSeverity(const std::vector<Diagnostic> &diagnostics)
{
    Severity worst = Severity::Info;
    for (const auto &d : diagnostics) {
        if (d.severity == Severity::Error)
            return Severity::Error;
        if (d.severity == Severity::Warning)
            worst = Severity::Warning;
    }
    return worst;
}

} // namespace osh::ui
