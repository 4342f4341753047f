#pragma once
// openshelld's JSON (docs/api.md) read back into the records the studio's
// models show, so a session run through the service looks exactly as one
// run in-process: audit events as osh::audit::appendEventJson writes them,
// approvals as appendApprovalJson, sessions as appendSessionJson. Embedded
// JSON (parameters, trace, request, decision) is kept as the text the
// service sent, byte for byte, not re-serialised.

#include "audit/approval.h"
#include "audit/auditevent.h"
#include "audit/auditquery.h"

#include <QString>

#include <optional>
#include <string_view>
#include <vector>

namespace osh::ui::records {

// One audit event (an `audit` stream message, a JSONL line); nullopt with
// *error when it is not one.
std::optional<AuditEvent> auditEvent(std::string_view json, QString *error = nullptr);
// GET /v1/approvals: {"approvals": [...]}.
std::optional<std::vector<ApprovalRecord>> approvals(std::string_view json, QString *error = nullptr);
// GET /v1/audit/sessions: {"sessions": [...]}, oldest first.
std::optional<std::vector<SessionSummary>> sessions(std::string_view json, QString *error = nullptr);
// "2026-11-27T00:35:12.345Z" (or seconds since the epoch); nullopt when neither.
std::optional<double> time(std::string_view raw);

} // namespace osh::ui::records
