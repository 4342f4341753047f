#pragma once
// The audit benchmarks' events (bench_audit, bench_pgstore).

#include "audit/auditevent.h"

#include <string>

namespace osh::bench {

// A typical decided tool call: redacted parameters and a short trace.
inline AuditEvent typical(const std::string &session, long i)
{
    static const char *const decisions[] = {"allow", "allow", "allow", "log", "redact", "block", "allow", "escalate"};
    static const char *const types[] = {"tool_call", "tool_call", "network_egress", "file_access", "data_output"};
    AuditEvent e;
    e.sessionId = session;
    e.type = types[i % 5];
    e.tool = i % 3 ? "email_send" : "http_get";
    e.parameters = "{\"to\":\"[EMAIL]\",\"subject\":\"weekly report " + std::to_string(i) + "\",\"body\":\"[REDACTED]\"}";
    e.decision = decisions[(i / 7) % 8]; // not in step with the session (i % 100)
    e.layer = "policy";
    e.policy = "mail-review";
    e.message = "policy mail-review matched";
    e.severity = i % 50 == 0 ? "warning" : "info";
    e.trace = "{\"outcome\":\"allow\",\"layer\":\"policy\",\"trace\":[{\"layer\":\"sandbox\",\"allowed\":true},"
              "{\"layer\":\"network\",\"allowed\":true},{\"policy\":\"mail-review\",\"matched\":false}]}";
    e.policyHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    return e;
}

} // namespace osh::bench
