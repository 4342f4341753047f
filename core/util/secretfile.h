#pragma once
// A secret of a fixed size kept in a file of its own: a key of the state
// store, the audit store's signing key. Created from fresh random bytes
// when missing, written whole under a temporary name and linked into place
// (never over a file that is there, so a crash leaves no short key and two
// processes creating it at once end with the same key); read back only
// from a regular file of this euid, mode 0600, exactly that long, never
// through a symbolic link.

#include <cstddef>
#include <string>

namespace osh {

// False with a message naming the file when it cannot be read or made.
// The caller wipes the secret (OPENSSL_cleanse) when done with it.
bool readOrCreateSecret(const std::string &path, std::size_t bytes, bool create, std::string &secret,
                        std::string &error);

} // namespace osh
