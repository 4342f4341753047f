#pragma once
// A held escalation waiting for (or given) a human verdict. The runtime adds
// one when a decision escalates and polls its status; `osctl approvals`
// resolves it from another process.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace osh {

enum class ApprovalStatus : std::uint8_t { Pending, Approved, Denied, Expired };

std::string_view approvalStatusName(ApprovalStatus s);
std::optional<ApprovalStatus> approvalStatusFromName(std::string_view name);

struct ApprovalRecord
{
    std::int64_t id = 0; // assigned by the store
    std::string sessionId;
    std::int64_t seq = 0; // the held event's seq in its session
    double createdAt = 0; // now when 0
    std::string queue;    // the escalation queue (policy `escalation`)
    std::string tool;
    std::string parameters; // JSON object text, PII redacted
    std::string message;
    std::string policy;
    std::string request;  // the full request JSON (Request::toJson)
    std::string decision; // the decision JSON (Decision::toJson)
    ApprovalStatus status = ApprovalStatus::Pending;
    std::optional<double> resolvedAt;
    std::string note;
    std::string resolver; // who resolved it (user name, "expiry")
    // The resolving process's uid (schema 4), when the resolver gave it;
    // empty for expiry and for approvals resolved before schema 4.
    std::optional<std::uint32_t> resolverUid;
    // Names this request for approval across retries of its write: a store
    // shared over the network may have committed a write whose answer was
    // lost, and the retry must find that approval rather than add a second.
    // Random, filled in by AuditStore::addApproval when empty; kept by the
    // PostgreSQL store only.
    std::string token;
};

} // namespace osh
