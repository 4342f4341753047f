#pragma once
// The JSON-lines forms of audit records (`osctl audit query --format jsonl`,
// `osctl sessions`, `osctl approvals list`). Stored JSON text (parameters,
// trace, request, decision) is embedded as JSON, not as a string; empty
// fields that have no value become null.

#include "approval.h"
#include "auditevent.h"
#include "auditquery.h"

#include <string>
#include <string_view>

namespace osh::audit {

// Fields: session_id, seq, ts (ISO-8601 UTC, ms), type, tool, parameters,
// decision, layer, policy, message, severity, policy_hash, trace.
void appendEventJson(std::string &out, const AuditEvent &e);
// Fields: id, start, end, policy, policy_hash, policy_commit, policy_dirty,
// isolation, exit_status, exit_reason, command, owner_uid, events {total, by
// decision}.
void appendSessionJson(std::string &out, const SessionSummary &s);
// Fields: id, session_id, seq, created, queue, tool, parameters, message,
// policy, status, resolved, note, resolver, resolver_uid, request, decision.
void appendApprovalJson(std::string &out, const ApprovalRecord &a);

// ,"name": the separator and key of the next member of an object being written.
void appendJsonKey(std::string &out, const char *name);
// A JSON string, or null when s is empty.
void appendStringOrNull(std::string &out, std::string_view s);

// Appends text as-is when it is one well-formed JSON value, null when it is
// empty, and as a JSON string otherwise (a damaged record stays readable).
void appendEmbeddedJson(std::string &out, std::string_view text);
bool isJsonValue(std::string_view text);

} // namespace osh::audit
