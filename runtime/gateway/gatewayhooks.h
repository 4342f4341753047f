#pragma once
// What the gateway needs from the session around it: somewhere to record
// audit events, and someone to ask when an action is escalated.

#include "audit/auditevent.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace osh::runtime {

class AuditSink
{
public:
    virtual ~AuditSink() = default;
    // Returns the event's sequence number in its session.
    virtual std::int64_t record(AuditEvent event) = 0;
};

struct ApprovalRequest
{
    std::string sessionId;
    std::int64_t seq = 0; // the held event
    std::string queue;    // the policy's escalation queue
    std::string tool;
    std::string parametersJson; // PII redacted
    // Unredacted, for the approver only: kept in memory while held
    // (runtime::HeldParameters), never recorded.
    std::string realParametersJson;
    std::string message;
    std::string policy;
    std::string requestJson;
    std::string decisionJson;
};

struct ApprovalAnswer
{
    bool approved = false;
    bool timedOut = false; // expired: the timeout passed or the session ended (note says which, when known)
    // Never held: the broker refused to queue it (too many actions already
    // wait, or it could not be recorded); note says why. Not approved.
    bool refused = false;
    std::string note;
};

class ApprovalBroker
{
public:
    virtual ~ApprovalBroker() = default;
    // Holds the action until a human answers or the broker's timeout passes;
    // answer is called exactly once, on the caller's thread.
    virtual void request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer) = 0;
};

// Who asks for an agent's state: a client of the service (its uid, and a
// token's agent:NAME items), or a session on behalf of its owner.
struct StateCaller
{
    uid_t uid = static_cast<uid_t>(-1);
    bool root = false;               // root, or the admin scope: may name another owner
    std::vector<std::string> agents; // non-empty: only these agents' stores
    // Whose store: every user has their own per agent name; unset, the
    // caller's own (another's only for root).
    std::optional<uid_t> owner;
};

// Agents' state kept between sessions (openshell/state/*, /v1/state): JSON
// values by key, one store per user and agent, encrypted at rest.
// Thread-safe.
class AgentStateStore
{
public:
    enum class Status { Ok, NotFound, Forbidden, Invalid, Full, Error };
    struct Result
    {
        Status status = Status::Error;
        std::string message;          // why, when not Ok
        std::string valueJson;        // get
        std::vector<std::string> keys; // keys, sorted
        std::string store;             // the store used: "UID/AGENT"
    };
    virtual ~AgentStateStore() = default;
    virtual Result get(const std::string &agent, const std::string &key, const StateCaller &caller) = 0;
    virtual Result put(const std::string &agent, const std::string &key, const std::string &valueJson, const StateCaller &caller) = 0;
    virtual Result remove(const std::string &agent, const std::string &key, const StateCaller &caller) = 0;
    virtual Result keys(const std::string &agent, const std::string &prefix, const StateCaller &caller) = 0;
};

} // namespace osh::runtime
