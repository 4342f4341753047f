#pragma once
// Lower-case hex SHA-256, the one digest the project prints: stand-ins for
// withheld content, token digests, cursor file names.

#include <string>
#include <string_view>

namespace osh {

std::string sha256Hex(std::string_view data);

} // namespace osh
