#pragma once
// Imports a session recorded elsewhere: JSON lines in the `osctl eval`
// request format (one request per line, blank lines ignored), written to the
// audit store as a new session so it can be replayed and what-if'd like a
// recorded one. The format and its extras are described in docs/replay.md:
//   - `ts` (seconds) orders and times the actions; without it the event is
//     stored at the import time (in line order) and decided without a time;
//   - `session.id`, when lines carry it, names the session (all lines that
//     carry one must agree) unless the caller gives an id.
// Each action is decided by the given policy, or stored without a decision.
// The file is checked completely before anything is written: a bad line
// (file:line:col) means nothing is stored.

#include "engine/request.h"
#include "model/policy.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh {

class AuditStore;

namespace replay {

struct ImportOptions
{
    std::shared_ptr<const PolicyDocument> policy; // null: no decisions
    std::string policyFile;  // recorded with the session
    std::string policyHash;  // SHA-256 hex of the policy file, recorded
    std::string sessionId;   // empty: from the lines' session.id, else generated
};

struct ImportError
{
    std::string file;
    int line = 0;
    int column = 0; // 1-based, in bytes
    std::string message;
    std::string format() const; // "file:line:col: message"
};

struct ImportResult
{
    bool ok = false;
    std::string sessionId;
    std::size_t events = 0;
    std::vector<ImportError> errors; // bad lines; nothing was written
    std::string error;               // anything else (unreadable file, the store)
};

// One request line, parsed.
struct ImportLine
{
    int line = 0;
    Request request;
};

class SessionImporter
{
public:
    // Parses every line; errors for each bad one (all of them, in order).
    static std::vector<ImportLine> parse(std::string_view text, const std::string &fileName,
                                         std::vector<ImportError> &errors);
    static ImportResult importText(AuditStore &store, std::string_view text, const std::string &fileName,
                                   const ImportOptions &options);
    static ImportResult importFile(AuditStore &store, const std::string &path, const ImportOptions &options);
};

} // namespace replay
} // namespace osh
