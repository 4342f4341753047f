#pragma once
// UTF-8 text of the core (std::string, std::string_view) as QString, for
// the studio and the runtime's Qt-facing code.

#include <QString>

#include <string_view>

namespace osh {

inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

} // namespace osh
