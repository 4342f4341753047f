#pragma once
// Session identifiers: sortable by start time, unique across processes
// ("20261127T003512Z-3f9a1c2b").

#include <string>

namespace osh::runtime {

std::string newSessionId();

} // namespace osh::runtime
