#pragma once
// Size caps on what the audit store keeps of one event or approval. An agent
// controls much of an event's content (a tool call's arguments, its output, a
// response), and a flood of 15 MB messages must not become a 15 MB row each:
// a field over the cap is replaced by a short stand-in that keeps the
// original's size and SHA-256, so the stored record still proves what was
// seen without holding it.
//
// JSON fields (parameters, trace, request, an approval's decision) become a
// valid JSON object, since readers parse them:
//   {"truncated":true,"bytes":N,"sha256":"<hex>","head":"<first 4 KiB>"}
// Text fields (message, tool) keep their first 4 KiB followed by
// " [truncated: N bytes, sha256 <hex>]".
//
// Every field is stored as UTF-8 text: invalid bytes and NUL bytes become
// U+FFFD first (an agent's bytes must not make a PostgreSQL store refuse
// the event, nor be cut short at a NUL).

#include "approval.h"
#include "auditevent.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace osh::audit {

class AuditLimits
{
public:
    static constexpr std::size_t kDefaultMaxFieldBytes = 64 * 1024;
    static constexpr std::size_t kHeadBytes = 4 * 1024;

    // maxFieldBytes 0: no cap.
    explicit AuditLimits(std::size_t maxFieldBytes = kDefaultMaxFieldBytes) : m_max(maxFieldBytes) {}

    // Repairs and caps the fields in place; true when something was truncated.
    bool cap(AuditEvent &e) const;
    bool cap(ApprovalRecord &a) const;

    // Whether a stored JSON field is a stand-in made by cap().
    static bool isTruncatedJson(std::string_view json);

private:
    bool capJson(std::string &field) const;
    bool capText(std::string &field) const;

    std::size_t m_max;
};

} // namespace osh::audit
