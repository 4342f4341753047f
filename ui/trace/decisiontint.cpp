#include "trace/decisiontint.h"

namespace osh::ui {

std::optional<QColor> decisionTint(std::string_view decision)
{
    if (decision == "block")
        return QColor(0xf8, 0xc8, 0xc8);
    if (decision == "escalate")
        return QColor(0xe0, 0xd4, 0xf8);
    if (decision == "redact" || decision == "throttle")
        return QColor(0xff, 0xe4, 0xb0);
    return std::nullopt;
}

} // namespace osh::ui
