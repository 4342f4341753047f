#include "util/versions.h"

#include <git2/common.h>
#include <hs/hs_common.h>
#include <sqlite3.h>
#include <yaml.h>

#include <string>

namespace osh {

std::vector<LibraryVersion> coreLibraryVersions()
{
    int major = 0, minor = 0, rev = 0;
    std::vector<LibraryVersion> out;
    if (git_libgit2_version(&major, &minor, &rev) == 0)
        out.push_back({"libgit2", std::to_string(major) + '.' + std::to_string(minor) + '.' + std::to_string(rev)});
    else
        out.push_back({"libgit2", "unknown"});
    out.push_back({"SQLite", sqlite3_libversion()});
    out.push_back({"libyaml", yaml_get_version_string()});
    // RE2 and libphonenumber report no version at run time; the build records
    // the version of the shared library it linked (see util/versions.cmake).
    out.push_back({"RE2", OSH_RE2_VERSION});
    std::string hs = hs_version(); // "5.4.0 2023-01-01"
    if (const auto space = hs.find(' '); space != std::string::npos)
        hs.resize(space);
    out.push_back({"Hyperscan", hs});
    out.push_back({"libphonenumber", OSH_PHONENUMBER_VERSION});
    return out;
}

} // namespace osh
