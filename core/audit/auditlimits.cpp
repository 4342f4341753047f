#include "auditlimits.h"

#include "util/sha256.h"
#include "util/strings.h"
#include "util/value.h"

#include <algorithm>

namespace osh::audit {

namespace {

constexpr std::string_view kStandInPrefix = "{\"truncated\":true,\"bytes\":";


} // namespace

bool AuditLimits::capJson(std::string &field) const
{
    if (m_max == 0 || field.size() <= m_max)
        return false;
    // The head is escaped (up to 6 bytes per byte): an eighth of the cap
    // keeps the stand-in itself under the cap.
    std::string out(kStandInPrefix);
    out += std::to_string(field.size());
    out += ",\"sha256\":\"" + sha256Hex(field) + "\",\"head\":";
    appendJsonString(out, utf8Head(field, std::min(kHeadBytes, m_max / 8)));
    out += '}';
    field = std::move(out);
    return true;
}

bool AuditLimits::capText(std::string &field) const
{
    if (m_max == 0 || field.size() <= m_max)
        return false;
    std::string out(utf8Head(field, std::min(kHeadBytes, m_max / 8)));
    out += " [truncated: " + std::to_string(field.size()) + " bytes, sha256 " + sha256Hex(field) + "]";
    field = std::move(out);
    return true;
}

bool AuditLimits::cap(AuditEvent &e) const
{
    // Every store keeps text: a PostgreSQL store refuses invalid UTF-8 and
    // NUL bytes, and the hash chain must cover what is stored.
    for (auto *f : {&e.sessionId, &e.type, &e.tool, &e.parameters, &e.decision, &e.layer, &e.policy, &e.message,
                    &e.severity, &e.trace, &e.policyHash, &e.request})
        repairUtf8(*f);
    bool any = false;
    for (auto *f : {&e.parameters, &e.trace, &e.request})
        any = capJson(*f) || any;
    for (auto *f : {&e.message, &e.tool})
        any = capText(*f) || any;
    return any;
}

bool AuditLimits::cap(ApprovalRecord &a) const
{
    for (auto *f : {&a.sessionId, &a.queue, &a.tool, &a.parameters, &a.message, &a.policy, &a.request, &a.decision})
        repairUtf8(*f);
    bool any = false;
    for (auto *f : {&a.parameters, &a.request, &a.decision})
        any = capJson(*f) || any;
    for (auto *f : {&a.message, &a.tool})
        any = capText(*f) || any;
    return any;
}

bool AuditLimits::isTruncatedJson(std::string_view json)
{
    return json.substr(0, kStandInPrefix.size()) == kStandInPrefix;
}

} // namespace osh::audit
