// libgit2 lifetime and error messages.
#include "gitlib.h"

#include <git2.h>

namespace osh::vcs {

GitLibrary::GitLibrary()
{
    git_libgit2_init();
}

GitLibrary::~GitLibrary()
{
    git_libgit2_shutdown();
}

std::string gitErrorMessage(const std::string &what, int code)
{
    const git_error *e = git_error_last();
    if (e && e->message && *e->message)
        return what + ": " + e->message;
    return what + ": libgit2 error " + std::to_string(code);
}

} // namespace osh::vcs
