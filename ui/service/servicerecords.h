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

#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace osh::ui::records {

// One audit event (an `audit` stream message, a JSONL line); nullopt with
// *error when it is not one.
std::optional<AuditEvent> auditEvent(std::string_view json, QString *error = nullptr);
// GET /v1/approvals: {"approvals": [...]}.
std::optional<std::vector<ApprovalRecord>> approvals(std::string_view json, QString *error = nullptr);

// What an approver may know of a held action's real (unredacted)
// parameters: the service gives them only to callers allowed to decide, and
// only while the process holding the action has them (docs/api.md).
struct RealParameters
{
    enum class Status { Available, Withheld, HeldElsewhere, Unavailable };
    Status status = Status::Unavailable;
    std::string json;   // Available: the parameters object
    std::string heldBy; // the host holding them (a store several hosts share), when known
};
using RealParametersById = std::map<std::int64_t, RealParameters>;
struct ApprovalList
{
    std::vector<ApprovalRecord> approvals;
    RealParametersById real; // by approval id
};
// The same with real_parameters, real_parameters_status and parameters_held_by.
std::optional<ApprovalList> approvalList(std::string_view json, QString *error = nullptr);
// GET /v1/audit/sessions: {"sessions": [...]}, oldest first.
std::optional<std::vector<SessionSummary>> sessions(std::string_view json, QString *error = nullptr);
// "2026-11-27T00:35:12.345Z" (or seconds since the epoch); nullopt when neither.
std::optional<double> time(std::string_view raw);

} // namespace osh::ui::records
