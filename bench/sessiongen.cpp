// The synthetic session generator (see sessiongen.h).

#include "sessiongen.h"

#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "pii/piitype.h"
#include "replay/piisurrogate.h"
#include "replay/whatif.h"

#include <array>
#include <random>

namespace osh::bench {

namespace {

const char *const kPolicy = R"yaml(version: 1
name: synthetic
sandbox:
  max_execution_time_seconds: 31536000
network:
  default_policy: deny-all
  rules:
    - tool: search
      allowed_hosts: [search.example.com]
      allowed_ports: [443]
      protocol: https
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
policies:
  - name: pii-redact
    trigger: data_output
    condition: contains_pii(output)
    action: redact
  - name: burst
    trigger: tool_call
    condition: tool.calls_in_last_minute >= 40
    action: block
  - name: email-approval
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: escalate
    escalation: human_queue
  - name: secrets-in-response
    trigger: agent_response
    condition: contains_pii(response, ['secret'])
    action: block
    log_level: critical
tools:
  - {name: search, description: Search, command: ['true'], cost_per_call: 0.001}
  - {name: ticket_api, description: Tickets, command: ['true'], cost_per_call: 0.002}
  - {name: email_send, description: Email, command: ['true'], cost_per_call: 0.005}
)yaml";

const char *const kVariant = R"yaml(version: 1
name: synthetic-variant
sandbox:
  max_execution_time_seconds: 31536000
network:
  default_policy: deny-all
  rules:
    - tool: search
      allowed_hosts: [search.example.com]
      allowed_ports: [443]
      protocol: https
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
policies:
  - name: no-cards-by-email
    trigger: tool_call
    condition: tool.name == 'email_send' and contains_pii(tool.args.body, ['credit_card'])
    action: block
  - name: email-redact
    trigger: data_output
    condition: contains_pii(output, ['email', 'phone'])
    action: redact
  - name: burst
    trigger: tool_call
    condition: tool.calls_in_last_minute >= 25
    action: block
  - name: ticket-writes
    trigger: tool_call
    condition: tool.name == 'ticket_api' and tool.args.op == 'update'
    action: escalate
    escalation: human_queue
  - name: secrets-in-response
    trigger: agent_response
    condition: contains_pii(response, ['secret', 'ssn'])
    action: block
tools:
  - {name: search, description: Search, command: ['true'], cost_per_call: 0.001}
  - {name: ticket_api, description: Tickets, command: ['true'], cost_per_call: 0.002}
  - {name: email_send, description: Email, command: ['true'], cost_per_call: 0.005}
)yaml";

std::string quoted(const std::string &s)
{
    std::string out;
    appendJsonString(out, s);
    return out;
}

} // namespace

const char *syntheticPolicy() { return kPolicy; }
const char *syntheticPolicyVariant() { return kVariant; }

bool generateSession(AuditStore &store, const SessionGenOptions &o, std::string &error)
{
    const auto doc = replay::WhatIf::policyFromText(kPolicy, "synthetic.policy.yaml", error);
    if (!doc)
        return false;
    const DecisionEngine engine(doc);
    SessionState state(o.sessionId);
    std::mt19937_64 rng(o.seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };

    for (const auto &existing : store.sessions(&error))
        if (existing.session.id == o.sessionId) {
            error = "session '" + o.sessionId + "' already exists in " + store.path();
            return false;
        }
    if (!error.empty())
        return false;

    SessionRecord rec;
    rec.id = o.sessionId;
    rec.startedAt = o.startTs;
    rec.policyFile = "synthetic.policy.yaml";
    rec.isolation = "none";
    rec.command = "[\"synthetic-agent\"]";
    store.beginSession(rec);

    static const std::array<const char *, 6> words = {"refund", "invoice", "shipping", "login", "upgrade", "bug"};
    double ts = o.startTs;
    for (std::int64_t i = 0; i < o.events; ++i) {
        ts += 0.2 + static_cast<double>(pick(1800)) / 1000.0;
        if (pick(100) < 3)
            ts -= 0.19; // bursts
        AuditEvent e;
        e.sessionId = o.sessionId;
        e.ts = ts;
        const int kind = o.actionsOnly ? pick(90) : pick(100);
        const std::string word = words[static_cast<std::size_t>(pick(6))];
        const bool pii = pick(100) < 8;
        const std::string email = replay::piiSurrogate(pii::PiiType::Email, pick(50));
        const std::string card = replay::piiSurrogate(pii::PiiType::CreditCard, pick(50));
        std::string req;  // eval format, surrogates only
        std::string params; // as the gateway stores them (redacted)
        if (kind < 50) {
            e.type = "tool_call";
            const int t = pick(10);
            e.tool = t < 6 ? "search" : t < 9 ? "ticket_api" : "email_send";
            std::string args;
            if (e.tool == "search")
                args = "{\"q\":" + quoted(word + " " + std::to_string(pick(1000))) + "}";
            else if (e.tool == "ticket_api")
                args = "{\"op\":" + quoted(pick(3) ? "read" : "update") + ",\"id\":" + std::to_string(pick(100000)) + "}";
            else {
                args = "{\"to\":" + quoted(email) + ",\"body\":" + quoted("About your " + word + (pii ? " card " + card : std::string())) + "}";
                params = "{\"to\":\"[REDACTED:email]\",\"body\":" + quoted("About your " + word + (pii ? " card [REDACTED:credit_card]" : std::string())) + "}";
            }
            if (params.empty())
                params = args;
            req = "{\"trigger\":\"tool_call\",\"ts\":" + std::to_string(ts) + ",\"tool\":{\"name\":" + quoted(e.tool) + ",\"args\":" + args + "}}";
        } else if (kind < 70) {
            e.type = "data_output";
            e.tool = "search";
            const std::string text = "Article about " + word + (pii ? " contact " + email : std::string());
            req = "{\"trigger\":\"data_output\",\"ts\":" + std::to_string(ts) + ",\"tool\":{\"name\":\"search\"},\"output\":" + quoted(text) + "}";
            params = "{}";
        } else if (kind < 75) {
            e.type = "agent_response";
            const std::string text = "Here is what I found about " + word;
            req = "{\"trigger\":\"agent_response\",\"ts\":" + std::to_string(ts) + ",\"response\":" + quoted(text) + "}";
            params = "{\"text\":" + quoted(text) + "}";
        } else if (kind < 85) {
            e.type = "file_access";
            const std::string path = "/agent/workspace/notes/" + word + std::to_string(pick(200)) + ".md";
            const std::string op = pick(4) ? "read" : "write";
            const int size = pick(20000);
            req = "{\"trigger\":\"file_access\",\"ts\":" + std::to_string(ts) + ",\"file\":{\"path\":" + quoted(path) + ",\"operation\":" + quoted(op) + ",\"size\":" + std::to_string(size) + "}}";
            params = "{\"operation\":" + quoted(op) + ",\"path\":" + quoted(path) + ",\"bytes\":" + std::to_string(size) + "}";
        } else if (kind < 90) {
            e.type = "network_egress";
            e.tool = "search";
            const std::string host = pick(10) ? "search.example.com" : "paste.example.net";
            req = "{\"trigger\":\"network_egress\",\"ts\":" + std::to_string(ts) + ",\"tool\":{\"name\":\"search\"},\"destination\":{\"host\":" + quoted(host) + ",\"port\":443}}";
            params = req;
        } else if (kind < 98) {
            e.type = "reasoning";
            e.parameters = "{\"text\":" + quoted("Thinking about the " + word) + "}";
            e.message = "reasoning";
        } else {
            e.type = "usage";
            e.parameters = "{\"cost\":0.01}";
            e.message = "cost 0.01";
        }
        if (!req.empty()) {
            std::string err;
            auto r = Request::fromJson(req, err);
            if (!r) {
                error = "generator bug: " + err + " in " + req;
                return false;
            }
            const Decision d = engine.decide(*r, state);
            e.decision = std::string(actionName(d.outcome));
            e.layer = d.layer == Layer::None ? std::string() : std::string(layerName(d.layer));
            e.policy = d.policy;
            e.message = d.message;
            e.severity = std::string(logLevelName(d.logLevel));
            e.parameters = std::move(params);
            e.request = std::move(req);
        }
        store.append(std::move(e));
        if (o.progress && (i + 1) % 100000 == 0)
            o.progress(i + 1);
    }
    store.endSession(o.sessionId, 0, "exited", ts);
    if (!store.flush()) {
        error = "the store did not commit every event: " + store.lastError();
        return false;
    }
    return true;
}

} // namespace osh::bench
