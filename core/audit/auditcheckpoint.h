#pragma once
// Signed checkpoints of the per-session hash chains (auditchain.h). A chain
// alone shows an edit only to a verifier who trusts the chain values; one
// who can rewrite the file can recompute them all, or cut a session's last
// events together with their values. So the writer signs, with an Ed25519
// key of its own, (session, seq, chain value, time) of each session's head
// at most once per interval and when the session ends, and stores the
// signature beside the events (table checkpoints). `osctl audit verify
// --key` checks every checkpoint against the key given: a recomputed chain
// no longer matches a signed value, a signed event that is gone means
// events were removed, and a checkpoint of another key is refused.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace osh::audit {

struct Checkpoint
{
    std::string sessionId;
    std::int64_t seq = 0;
    std::string chain; // the chain value of the event at seq
    double ts = 0;     // when it was signed
    std::string key;   // the signer's public key, 64 hex digits
    std::string signature; // 128 hex digits
};

// The bytes a checkpoint's signature covers: a domain tag and each field
// length-prefixed, ts to the bit.
std::string checkpointMessage(const Checkpoint &c);
// Whether c.signature is c.key's Ed25519 signature of checkpointMessage(c).
bool checkpointSignatureValid(const Checkpoint &c);

class CheckpointKey
{
public:
    static constexpr std::size_t kSeedBytes = 32;

    // The Ed25519 key whose 32-byte seed is kept at path (util/secretfile.h:
    // created when missing and create is set; a regular file of this euid,
    // mode 0600). Also writes path's public half to path + ".pub" (64 hex
    // digits and a newline, mode 0644) for verifiers. nullptr with a message
    // when it cannot.
    static std::shared_ptr<const CheckpointKey> load(const std::string &path, bool create, std::string &error);

    ~CheckpointKey();
    CheckpointKey(const CheckpointKey &) = delete;
    CheckpointKey &operator=(const CheckpointKey &) = delete;

    const std::string &publicKey() const { return m_public; }
    // Fills c.key and c.signature; false when OpenSSL fails.
    bool sign(Checkpoint &c) const;

private:
    CheckpointKey() = default;
    EVP_PKEY *m_key = nullptr;
    std::string m_public;
};

// A public key as verifiers give it: 64 hex digits, or a file holding them
// (a .pub file the writer wrote, surrounding whitespace ignored).
bool readPublicKey(const std::string &keyOrPath, std::string &hex, std::string &error);

} // namespace osh::audit
