#pragma once
// The background tint of a decision in the studio's tables (launcher event
// stream, replay table): light tints read with dark text on light and dark
// themes alike. The same hues as the replay timeline's marks: block red,
// escalate violet, redact and throttle amber; allow and log untinted.

#include <QColor>

#include <optional>
#include <string_view>

namespace osh::ui {

std::optional<QColor> decisionTint(std::string_view decision);

} // namespace osh::ui
