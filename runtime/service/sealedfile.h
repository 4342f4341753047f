#pragma once
// Files sealed with AES-256-GCM, as the service keeps session snapshots at
// rest: "OSHSEAL1", the owner's uid (4 bytes, little-endian), a fresh
// 96-bit nonce, the ciphertext, the 16-byte tag. The additional data is the
// header and the file's name (a snapshot's id), so a sealed file renamed,
// or claimed for another owner, does not open. Streamed: any size, bounded
// memory.

#include <optional>
#include <string>

#include <sys/types.h>

namespace osh::service {

// Writes `out` (0600, must not exist) from `in`; false with *error.
bool sealFile(const std::string &key, const std::string &in, const std::string &out, uid_t owner, const std::string &name,
              std::string *error);
// Writes `out` (0600, must not exist) from sealed `in`, when its tag, name
// and owner check out; otherwise removes what it wrote and returns false.
bool unsealFile(const std::string &key, const std::string &in, const std::string &out, const std::string &name, std::string *error);
// The owner a sealed file claims (not yet verified: unsealFile does that).
std::optional<uid_t> sealedOwner(const std::string &path);

} // namespace osh::service
