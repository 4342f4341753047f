// The controller's path handling with real system calls, against a scratch
// tree that holds the traps agent code would set: links to a folder and a
// file outside, a link to /proc, a FIFO. The first input byte picks the
// operation, the rest is the path below the tree (and, for writes, the
// content after a NUL). Invariants for every input:
//  - nothing outside the tree is created, changed or read (the canary's
//    content never comes back, the outside folder stays empty);
//  - no operation blocks (a FIFO is never opened: libFuzzer's -timeout
//    catches a hang).
// The tree is rebuilt when an operation removed one of the traps.

#include "gateway/beneath.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace osh::runtime;

namespace {

const std::string kCanary = "CANARY-outside-the-tree";
std::string g_base;

std::string base()
{
    if (g_base.empty()) {
        char tmpl[] = "/tmp/osh-fuzz-filepath-XXXXXX";
        if (!::mkdtemp(tmpl))
            std::abort();
        g_base = tmpl;
        ::mkdir((g_base + "/outside").c_str(), 0777);
        const int fd = ::open((g_base + "/canary.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || ::write(fd, kCanary.data(), kCanary.size()) != static_cast<ssize_t>(kCanary.size()))
            std::abort();
        ::close(fd);
    }
    return g_base;
}

void layTraps(const std::string &tree)
{
    ::mkdir(tree.c_str(), 0755);
    ::mkdir((tree + "/sub").c_str(), 0755);
    ::symlink((base() + "/outside").c_str(), (tree + "/out").c_str());
    ::symlink((base() + "/canary.txt").c_str(), (tree + "/canary").c_str());
    ::symlink("../../outside", (tree + "/sub/up").c_str());
    ::symlink("/proc/self/root", (tree + "/proc").c_str());
    ::mkfifo((tree + "/fifo").c_str(), 0666);
    const int fd = ::open((tree + "/sub/file.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        [[maybe_unused]] auto n = ::write(fd, "inside", 6);
        ::close(fd);
    }
}

bool outsideIsEmpty()
{
    DIR *d = ::opendir((base() + "/outside").c_str());
    if (!d)
        return false;
    int n = 0;
    while (const dirent *e = ::readdir(d))
        n += std::string(e->d_name) != "." && std::string(e->d_name) != "..";
    ::closedir(d);
    return n == 0;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const std::string tree = base() + "/tree";
    layTraps(tree);
    beneath::Fd root = beneath::openRoot(tree, nullptr);
    if (!root.valid())
        std::abort();
    const std::string input(reinterpret_cast<const char *>(data) + 1, size - 1);
    const auto nul = input.find('\0');
    const std::string path = input.substr(0, nul);
    const std::string content = nul == std::string::npos ? std::string() : input.substr(nul + 1);
    beneath::Error error;
    beneath::Opened what;
    switch (data[0] % 7) {
    case 0:
        if (const auto read = beneath::readFile(root.get(), path, 1 << 20, &what, &error))
            if (read->find(kCanary) != std::string::npos)
                std::abort();
        break;
    case 1: beneath::writeFile(root.get(), path, content, false, &what, &error); break;
    case 2: beneath::writeFile(root.get(), path, content, true, &what, &error); break;
    case 3: {
        bool truncated = false;
        beneath::listFolder(root.get(), path, 1000, &truncated, &what, &error);
        break;
    }
    case 4: beneath::removePath(root.get(), path, &what, &error); break;
    case 5: beneath::makeSymlink(root.get(), path, content.empty() ? std::string("/etc") : content, &error); break;
    default: beneath::lookup(root.get(), path, &what, &error); break;
    }
    if (!outsideIsEmpty())
        std::abort();
    struct stat st{};
    if (::stat((base() + "/canary.txt").c_str(), &st) != 0 || st.st_size != static_cast<off_t>(kCanary.size()))
        std::abort();
    return 0;
}
