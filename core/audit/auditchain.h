#pragma once
// The per-session hash chain of the audit store (schema 5). Every stored
// event carries chain = SHA-256(previous event's chain || the event's
// canonical encoding); a session's first event chains from
// SHA-256("openshell-audit-chain-v1" || session id). The encoding covers
// every stored field (session, seq, ts to the bit, type, tool, parameters,
// decision, layer, policy, message, severity, trace, policy hash, request),
// each length-prefixed, so the policy version that decided an event is
// chained with it. Changing, deleting or reordering a stored event breaks
// the chain at that event unless every later value is recomputed.

#include "auditevent.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh::audit {

// Hex SHA-256 values.
std::string chainStart(std::string_view sessionId);
std::string chainNext(std::string_view previous, const AuditEvent &e);

// What `osctl audit verify` finds in one session.
struct ChainReport
{
    std::string sessionId;
    std::int64_t events = 0;
    // Events stored before the store had chains (schema 4 or older), at the
    // start of the session; they cannot be checked.
    std::int64_t unchained = 0;
    // The first event that does not match its chain, when one does not.
    bool broken = false;
    std::int64_t brokenSeq = 0;
    std::string problem; // what is wrong there, for a person
    std::string head;    // the last event's chain value
    // Signed checkpoints (auditcheckpoint.h): how many verify, the last seq
    // one of them vouches for, the key that signed them, and how many
    // events come after it (committed since the last checkpoint).
    std::int64_t checkpoints = 0;
    std::int64_t signedSeq = 0;
    std::string signer;
    std::int64_t unsignedEvents = 0;
};

struct VerifyOptions
{
    std::string sessionId; // empty: every session
    // The signer's public key (64 hex digits). Set, a checkpoint of another
    // key breaks its session, and so does a session with events but no
    // checkpoint of this key. Empty, checkpoints are checked against the
    // key each of them names, which proves only that the file is
    // consistent, not who wrote it.
    std::string key;
    // Set for a store that chained every event from its start (PostgreSQL):
    // an event without a chain value is broken, never "stored before
    // chains existed".
    bool chainedFromTheStart = false;
};

// Checks the chains and checkpoints of every session of the store at path
// (an SQLite file or a postgresql:// string; or of one session), reading
// only. False with error when the store cannot be read or the session is
// not in it.
bool verifyChains(const std::string &path, const VerifyOptions &options, std::vector<ChainReport> &out,
                  std::string &error);
class AuditReader;
// Opens the store at path for reading its chains; nullptr with error when
// it cannot be read or has none yet (an SQLite file before schema 5).
std::unique_ptr<AuditReader> openChainReader(const std::string &path, std::string &error);
// The same through a store's reader.
bool verifyChains(AuditReader &reader, const VerifyOptions &options, std::vector<ChainReport> &out,
                  std::string &error);

} // namespace osh::audit
