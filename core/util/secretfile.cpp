#include "secretfile.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh {

namespace {

std::string folderOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : path.substr(0, slash);
}

// 0 when linked into place, else the errno of the failure.
int createSecret(const std::string &path, std::size_t bytes, std::string &secret)
{
    std::string fresh(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(fresh.data()), static_cast<int>(fresh.size())) != 1)
        return EIO;
    const auto slash = path.rfind('/');
    const std::string temp = folderOf(path) + "/.new-" + path.substr(slash == std::string::npos ? 0 : slash + 1);
    ::unlink(temp.c_str());
    const int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    const bool written = out >= 0 && ::write(out, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size())
                         && ::fsync(out) == 0;
    int saved = errno;
    if (out >= 0)
        ::close(out);
    const bool linked = written && ::link(temp.c_str(), path.c_str()) == 0;
    if (written)
        saved = linked ? 0 : errno;
    ::unlink(temp.c_str());
    if (linked) {
        if (const int d = ::open(folderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
            ::fsync(d);
            ::close(d);
        }
        secret = std::move(fresh);
        return 0;
    }
    OPENSSL_cleanse(fresh.data(), fresh.size());
    return saved == 0 ? EIO : saved;
}

} // namespace

bool readOrCreateSecret(const std::string &path, std::size_t bytes, bool create, std::string &secret,
                        std::string &error)
{
    // O_NONBLOCK: a FIFO put in the key's place does not hang the caller.
    constexpr int kReadFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
    int fd = ::open(path.c_str(), kReadFlags);
    if (fd < 0 && errno == ENOENT && create) {
        const int e = createSecret(path, bytes, secret);
        if (e == 0)
            return true;
        if (e != EEXIST) {
            error = "cannot write the key " + path + ": " + std::strerror(e);
            return false;
        }
        fd = ::open(path.c_str(), kReadFlags); // made meanwhile: read it
    }
    if (fd < 0) {
        error = "cannot read the key " + path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st{};
    std::string read(bytes + 1, '\0');
    const ssize_t n = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? ::read(fd, read.data(), read.size()) : -1;
    ::close(fd);
    if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0
        || n != static_cast<ssize_t>(bytes)) {
        OPENSSL_cleanse(read.data(), read.size());
        error = "the key file " + path + " is not a " + std::to_string(bytes) + "-byte file of uid "
                + std::to_string(::geteuid()) + " with mode 0600";
        return false;
    }
    read.resize(bytes);
    secret = std::move(read);
    return true;
}

} // namespace osh
