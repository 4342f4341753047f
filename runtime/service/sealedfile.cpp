#include "sealedfile.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

namespace osh::service {

namespace {

constexpr char kMagic[8] = {'O', 'S', 'H', 'S', 'E', 'A', 'L', '1'};
constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
constexpr std::size_t kHeader = sizeof kMagic + 4 + kNonce;
constexpr std::size_t kChunk = 1 << 16;

struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

bool writeAll(int fd, const unsigned char *p, std::size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

// Reads up to n bytes (fewer only at the end of the file); -1 on error.
ssize_t readFull(int fd, unsigned char *p, std::size_t n)
{
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += static_cast<std::size_t>(r);
    }
    return static_cast<ssize_t>(got);
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string associated(const unsigned char *header, const std::string &name)
{
    return std::string(reinterpret_cast<const char *>(header), kHeader - kNonce) + '\0' + name;
}

bool openBoth(const std::string &in, const std::string &out, Fd &src, Fd &dst, std::string *error)
{
    src.fd = ::open(in.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (src.fd < 0) {
        *error = "cannot read " + in + ": " + std::strerror(errno);
        return false;
    }
    dst.fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (dst.fd < 0) {
        *error = "cannot create " + out + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

} // namespace

bool sealFile(const std::string &key, const std::string &in, const std::string &out, uid_t owner, const std::string &name,
              std::string *error)
{
    Fd src, dst;
    if (!openBoth(in, out, src, dst, error))
        return false;
    std::array<unsigned char, kHeader> header{};
    std::memcpy(header.data(), kMagic, sizeof kMagic);
    for (int i = 0; i < 4; ++i)
        header[sizeof kMagic + i] = static_cast<unsigned char>((static_cast<std::uint32_t>(owner) >> (8 * i)) & 0xff);
    Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    const std::string ad = associated(header.data(), name);
    int len = 0;
    bool ok = ctx && RAND_bytes(header.data() + kHeader - kNonce, kNonce) == 1
        && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonce), nullptr) == 1
        && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(key.data()),
                              header.data() + kHeader - kNonce) == 1
        && EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(ad.data()), static_cast<int>(ad.size())) == 1
        && writeAll(dst.fd, header.data(), header.size());
    std::array<unsigned char, kChunk> plain{};
    std::array<unsigned char, kChunk + 32> sealed{};
    while (ok) {
        const ssize_t n = readFull(src.fd, plain.data(), plain.size());
        if (n < 0) {
            ok = false;
            break;
        }
        if (n == 0)
            break;
        ok = EVP_EncryptUpdate(ctx.get(), sealed.data(), &len, plain.data(), static_cast<int>(n)) == 1
            && writeAll(dst.fd, sealed.data(), static_cast<std::size_t>(len));
    }
    std::array<unsigned char, kTag> tag{};
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), sealed.data(), &len) == 1 && writeAll(dst.fd, sealed.data(), static_cast<std::size_t>(len))
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag), tag.data()) == 1
        && writeAll(dst.fd, tag.data(), tag.size()) && ::fsync(dst.fd) == 0;
    if (!ok) {
        *error = "cannot seal " + in + " into " + out;
        ::unlink(out.c_str());
    }
    return ok;
}

bool unsealFile(const std::string &key, const std::string &in, const std::string &out, const std::string &name, std::string *error)
{
    Fd src, dst;
    if (!openBoth(in, out, src, dst, error))
        return false;
    auto fail = [&](const std::string &why) {
        *error = why;
        ::unlink(out.c_str());
        return false;
    };
    const off_t size = ::lseek(src.fd, 0, SEEK_END);
    std::array<unsigned char, kHeader> header{};
    if (size < static_cast<off_t>(kHeader + kTag) || ::lseek(src.fd, 0, SEEK_SET) != 0
        || readFull(src.fd, header.data(), header.size()) != static_cast<ssize_t>(kHeader)
        || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0)
        return fail(in + " is not a sealed snapshot");
    std::array<unsigned char, kTag> tag{};
    if (::pread(src.fd, tag.data(), kTag, size - static_cast<off_t>(kTag)) != static_cast<ssize_t>(kTag))
        return fail("cannot read " + in);
    Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    const std::string ad = associated(header.data(), name);
    int len = 0;
    bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonce), nullptr) == 1
        && EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char *>(key.data()),
                              header.data() + kHeader - kNonce) == 1
        && EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(ad.data()), static_cast<int>(ad.size())) == 1;
    off_t remaining = size - static_cast<off_t>(kHeader + kTag);
    std::array<unsigned char, kChunk> sealed{};
    std::array<unsigned char, kChunk + 32> plain{};
    while (ok && remaining > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<off_t>(remaining, kChunk));
        ok = readFull(src.fd, sealed.data(), want) == static_cast<ssize_t>(want)
            && EVP_DecryptUpdate(ctx.get(), plain.data(), &len, sealed.data(), static_cast<int>(want)) == 1
            && writeAll(dst.fd, plain.data(), static_cast<std::size_t>(len));
        remaining -= static_cast<off_t>(want);
    }
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag), tag.data()) == 1
        && EVP_DecryptFinal_ex(ctx.get(), plain.data(), &len) == 1;
    if (!ok)
        return fail(in + " does not decrypt: it was altered, renamed or made for another owner");
    return true;
}

std::optional<uid_t> sealedOwner(const std::string &path)
{
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    std::array<unsigned char, kHeader> header{};
    if (f.fd < 0 || readFull(f.fd, header.data(), header.size()) != static_cast<ssize_t>(kHeader)
        || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;
    std::uint32_t owner = 0;
    for (int i = 0; i < 4; ++i)
        owner |= static_cast<std::uint32_t>(header[sizeof kMagic + i]) << (8 * i);
    return static_cast<uid_t>(owner);
}

} // namespace osh::service
