#pragma once
// Checking the store against a copy of its events kept elsewhere: what a
// SIEM received from the service's forwarding, or an earlier export. Every
// event in the copy names its session, seq and chain value; the store must
// still hold that event with that chain value. What the store's own chain
// and checkpoints cannot show is caught here: a session's last events
// deleted together with their checkpoints, a whole session deleted, or a
// store rewritten and re-signed by whoever holds the key, after the events
// had left the machine.
//
// A copy is read line by line; each line may be
//   - an event as JSON (osctl audit query --format jsonl, /v1/audit/events):
//     session_id, seq, chain;
//   - an OCSF object (--format ocsf, forwarded OCSF): metadata.correlation_uid,
//     metadata.sequence, unmapped.chain; Detection Findings are skipped;
//   - a JSON array of those (an HTTP collector's saved request bodies);
//   - a syslog line with the forwarder's structured data
//     [openshell@32473 ... session="..." seq="N" chain="..."] (rsyslog's
//     files, OCSF or CEF payload alike).
// Lines that hold none of these are counted and otherwise ignored.

#include <cstdint>
#include <string>
#include <vector>

namespace osh::audit {

struct CopyFinding
{
    std::string sessionId;
    std::int64_t seq = 0;
    std::string problem;
};

struct CopySummary
{
    std::int64_t events = 0;  // events read from the copies
    std::int64_t matched = 0; // of those, stored with the same chain value
    std::int64_t skipped = 0; // lines that hold no event
    std::int64_t unchained = 0; // events in the copy without a chain value (forwarded before chains)
    std::vector<CopyFinding> findings; // the first per session, by session
};

// Compares the store at path (read only) with the copies; sessionId limits
// it to one session. False with error when a file or the store cannot be
// read.
bool compareWithCopies(const std::string &path, const std::vector<std::string> &copies, const std::string &sessionId,
                       CopySummary &out, std::string &error);

} // namespace osh::audit
