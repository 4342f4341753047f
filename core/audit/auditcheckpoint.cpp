#include "auditcheckpoint.h"

#include "util/secretfile.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::audit {

namespace {

constexpr std::size_t kPublicBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

void appendField(std::string &out, std::string_view s)
{
    std::uint64_t n = s.size();
    for (int i = 0; i < 8; ++i) {
        out += static_cast<char>(n & 0xff);
        n >>= 8;
    }
    out.append(s);
}

std::string toHex(const unsigned char *p, std::size_t n)
{
    std::string out(2 * n, '0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = "0123456789abcdef"[p[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[p[i] & 0xf];
    }
    return out;
}

// Lower-case hex of exactly 2 * n digits only.
bool fromHex(std::string_view hex, std::size_t n, unsigned char *out)
{
    if (hex.size() != 2 * n)
        return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    return true;
}

// Replaces path with text (temporary file, fsync, rename), mode 0644,
// unless it holds text already (every open of a store would rewrite it).
bool writePublicFile(const std::string &path, const std::string &text, std::string &error)
{
    if (std::ifstream in(path); in) {
        std::string have(text.size() + 1, '\0');
        in.read(have.data(), static_cast<std::streamsize>(have.size()));
        if (in.gcount() == static_cast<std::streamsize>(text.size()) && have.compare(0, text.size(), text) == 0)
            return true;
    }
    const std::string temp = path + ".new";
    ::unlink(temp.c_str());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    const bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
                    && ::fchmod(fd, 0644) == 0 && ::fsync(fd) == 0;
    const int saved = errno;
    if (fd >= 0)
        ::close(fd);
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
        error = "cannot write " + path + ": " + std::strerror(ok ? errno : saved);
        ::unlink(temp.c_str());
        return false;
    }
    return true;
}

} // namespace

std::string checkpointMessage(const Checkpoint &c)
{
    std::string m;
    m.reserve(200 + c.sessionId.size());
    appendField(m, "openshell-audit-checkpoint-v1");
    appendField(m, c.sessionId);
    appendField(m, std::to_string(c.seq));
    appendField(m, c.chain);
    const auto bits = std::bit_cast<std::uint64_t>(c.ts);
    char ts[16];
    for (int i = 0; i < 16; ++i)
        ts[i] = "0123456789abcdef"[(bits >> (60 - 4 * i)) & 0xf];
    appendField(m, std::string_view(ts, 16));
    return m;
}

bool checkpointSignatureValid(const Checkpoint &c)
{
    unsigned char pub[kPublicBytes], sig[kSignatureBytes];
    if (!fromHex(c.key, kPublicBytes, pub) || !fromHex(c.signature, kSignatureBytes, sig))
        return false;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub, kPublicBytes), &EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        return false;
    const std::string m = checkpointMessage(c);
    return EVP_DigestVerify(ctx.get(), sig, kSignatureBytes, reinterpret_cast<const unsigned char *>(m.data()),
                            m.size())
           == 1;
}

std::shared_ptr<const CheckpointKey> CheckpointKey::load(const std::string &path, bool create, std::string &error)
{
    std::string seed;
    if (!readOrCreateSecret(path, kSeedBytes, create, seed, error))
        return nullptr;
    std::shared_ptr<CheckpointKey> k(new CheckpointKey);
    k->m_key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                            reinterpret_cast<const unsigned char *>(seed.data()), seed.size());
    OPENSSL_cleanse(seed.data(), seed.size());
    unsigned char pub[kPublicBytes];
    std::size_t n = sizeof pub;
    if (!k->m_key || EVP_PKEY_get_raw_public_key(k->m_key, pub, &n) != 1 || n != kPublicBytes) {
        error = "cannot make an Ed25519 key of " + path;
        return nullptr;
    }
    k->m_public = toHex(pub, n);
    if (!writePublicFile(path + ".pub", k->m_public + "\n", error))
        return nullptr;
    return k;
}

CheckpointKey::~CheckpointKey()
{
    EVP_PKEY_free(m_key);
}

bool CheckpointKey::sign(Checkpoint &c) const
{
    c.key = m_public;
    const std::string m = checkpointMessage(c);
    unsigned char sig[kSignatureBytes];
    std::size_t n = sizeof sig;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key) != 1
        || EVP_DigestSign(ctx.get(), sig, &n, reinterpret_cast<const unsigned char *>(m.data()), m.size()) != 1
        || n != kSignatureBytes)
        return false;
    c.signature = toHex(sig, n);
    return true;
}

bool readPublicKey(const std::string &keyOrPath, std::string &hex, std::string &error)
{
    unsigned char pub[kPublicBytes];
    if (fromHex(keyOrPath, kPublicBytes, pub)) {
        hex = keyOrPath;
        return true;
    }
    std::ifstream in(keyOrPath);
    if (!in) {
        error = keyOrPath + ": neither 64 hex digits nor a readable file: " + std::strerror(errno);
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto from = s.find_first_not_of(" \t\r\n");
    const auto to = s.find_last_not_of(" \t\r\n");
    s = from == std::string::npos ? std::string() : s.substr(from, to - from + 1);
    if (!fromHex(s, kPublicBytes, pub)) {
        error = keyOrPath + ": the file does not hold an Ed25519 public key (64 lower-case hex digits)";
        return false;
    }
    hex = s;
    return true;
}

} // namespace osh::audit
