#pragma once
// Shared by the replay tests: two policies that disagree in known ways and a
// session of requests (eval format, with PII and times) that exercises
// them: escalation, PII by type, a per-minute rate, and session cost.

#include <string>
#include <vector>

namespace replaytest {

// "Before": emails are escalated, a fourth call of a tool within a minute is
// blocked, outputs with any PII are redacted.
inline const char *const kPolicyA = R"yaml(version: 1
name: before
policies:
  - name: email-approval
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: escalate
    message: Email requires approval.
    escalation: human_queue
  - name: burst
    trigger: tool_call
    condition: tool.calls_in_last_minute >= 3
    action: block
    message: Too many calls.
  - name: pii-out
    trigger: data_output
    condition: contains_pii(output)
    action: redact
tools:
  - name: email_send
    description: Send an email
    command: [true]
    cost_per_call: 0.5
  - name: search
    description: Search
    command: [true]
    cost_per_call: 0.5
)yaml";

// "After": no email approval, but card numbers in an email are blocked; the
// burst limit is 2; only emails in outputs are redacted; past a total cost
// of 1.2 every tool call is blocked.
inline const char *const kPolicyB = R"yaml(version: 1
name: after
policies:
  - name: no-cards
    trigger: tool_call
    condition: tool.name == 'email_send' and contains_pii(tool.args.body, ['credit_card'])
    action: block
    message: No cards by email.
    log_level: critical
  - name: cost
    trigger: tool_call
    condition: session.total_cost > 1.2
    action: block
  - name: burst
    trigger: tool_call
    condition: tool.calls_in_last_minute >= 2
    action: block
  - name: email-out
    trigger: data_output
    condition: contains_pii(output, ['email'])
    action: redact
tools:
  - name: email_send
    description: Send an email
    command: [true]
    cost_per_call: 0.5
  - name: search
    description: Search
    command: [true]
    cost_per_call: 0.5
)yaml";

// One session, in time order.
inline std::vector<std::string> sessionLines()
{
    return {
        R"({"trigger":"tool_call","ts":1000,"tool":{"name":"search","args":{"q":"refund policy"}}})",
        R"({"trigger":"tool_call","ts":1001,"tool":{"name":"email_send","args":{"to":"jane.doe@corp.example.com","body":"hello"}}})",
        R"({"trigger":"tool_call","ts":1002,"tool":{"name":"email_send","args":{"to":"bob@mail.example.org","body":"card 4539 1488 0343 6467 on file"}}})",
        R"({"trigger":"data_output","ts":1003,"output":"call me at 555-0100 or mail amy@shop.example.net"})",
        R"({"trigger":"data_output","ts":1004,"output":"SSN 123-45-6789"})",
        R"({"trigger":"tool_call","ts":1005,"tool":{"name":"search","args":{"q":"b"}}})",
        R"({"trigger":"tool_call","ts":1006,"tool":{"name":"search","args":{"q":"c"}}})",
        R"({"trigger":"tool_call","ts":1007,"tool":{"name":"search","args":{"q":"d"}}})",
        R"({"trigger":"agent_response","ts":1008,"response":"done"})",
        R"({"trigger":"tool_call","ts":1200,"tool":{"name":"search","args":{"q":"later"}}})",
    };
}

inline std::string joined(const std::vector<std::string> &lines)
{
    std::string s;
    for (const auto &l : lines)
        s += l + "\n";
    return s;
}

} // namespace replaytest
