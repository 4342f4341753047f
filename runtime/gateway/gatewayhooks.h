#pragma once
// What the gateway needs from the session around it: somewhere to record
// audit events, and someone to ask when an action is escalated.

#include "audit/auditevent.h"

#include <functional>
#include <string>

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

} // namespace osh::runtime
