#pragma once
// Keeps libgit2 initialised while any user of it is alive. libgit2 counts
// git_libgit2_init/shutdown pairs itself; this makes the pair exception-safe
// and shares the helper that turns git_error_last() into a message.

#include <string>

namespace osh::vcs {

class GitLibrary
{
public:
    GitLibrary();
    ~GitLibrary();
    GitLibrary(const GitLibrary &) = delete;
    GitLibrary &operator=(const GitLibrary &) = delete;
};

// "<what>: <libgit2's last error message>" (or the code when there is none).
std::string gitErrorMessage(const std::string &what, int code);

} // namespace osh::vcs
