#pragma once
// What the audit log keeps of an egress decision: the request as decided,
// with credentials in headers hidden (Authorization, Cookie and the like are
// secrets, not evidence), a body cut to its first 16 KiB, and PII redacted
// in every text (parameters, trace and message), as every other event's.

#include "engine/decision.h"
#include "engine/request.h"

#include <string>

namespace osh::runtime {

struct EgressAuditText
{
    std::string parameters;
    std::string trace;
    std::string message;
    // The request for replay and what-if (events.request): the same request
    // with every PII value replaced by a surrogate of its type; empty when
    // no faithful surrogate exists (docs/replay.md).
    std::string request;
};

EgressAuditText egressAuditText(const osh::Request &request, const osh::Decision &decision);

} // namespace osh::runtime
