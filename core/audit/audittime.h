#pragma once
// Timestamps as the audit tools print and accept them.

#include <optional>
#include <string>
#include <string_view>

namespace osh::audit {

// "2026-11-27T00:35:12.345Z": ISO-8601, UTC, milliseconds.
std::string formatIsoUtc(double ts);

// A --since argument: a duration back from now ("90s", "30m", "1h", "2d",
// "1w") or an ISO-8601 date or date-time ("2026-11-27", "2026-11-27T10:00",
// "...:00.5+02:00"); a date-time without an offset is UTC, like the times
// osctl prints. Returns seconds since the epoch, or nullopt with error set.
std::optional<double> parseSince(std::string_view text, double now, std::string &error);

} // namespace osh::audit
