#pragma once
// Versions of the third-party libraries core is linked against, for the
// studio's about box and `--version` style output. Run-time versions where
// the library reports one, build-time versions otherwise (marked as such).

#include <string>
#include <vector>

namespace osh {

struct LibraryVersion
{
    std::string name;    // "SQLite"
    std::string version; // "3.40.1"
};

// libgit2, SQLite, libyaml, RE2, Hyperscan, libphonenumber, in that order.
std::vector<LibraryVersion> coreLibraryVersions();

} // namespace osh
