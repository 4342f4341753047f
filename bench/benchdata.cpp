#include "benchdata.h"

namespace osh::bench {

std::string productionPolicy()
{
    return R"(version: 1
name: customer-support
sandbox:
  isolation: gvisor
  max_memory_mb: 2048
  max_execution_time_seconds: 300
  cleanup_policy: snapshot
network:
  default_policy: deny-all
  rules:
    - tool: knowledge_search
      allowed_hosts: [search.internal.company.com]
      allowed_ports: [443]
      protocol: https
    - tool: ticket_api
      allowed_hosts: [jira.company.com]
      allowed_ports: [443]
      protocol: https
    - tool: email_send
      allowed_hosts: [smtp.company.com]
      allowed_ports: [587]
      protocol: smtp
      rate_limit: 3/minute
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /data/kb, permissions: read}
    - {path: /agent/workspace, permissions: read-write, max_total_size_mb: 100}
policies:
  - name: pii-redact
    trigger: data_output
    condition: contains_pii(output)
    action: redact
  - name: email-approval
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: escalate
    message: Email requires human approval before sending.
)";
}

std::string generatePolicyDocument(int policies)
{
    std::string s = "version: 1\nname: generated\n";
    const int tools = policies / 10 + 1;
    s += "network:\n  default_policy: deny-all\n  rules:\n";
    for (int t = 0; t < tools; ++t) {
        const auto n = std::to_string(t);
        s += "    - tool: tool_" + n + "\n      allowed_hosts: [api" + n + ".example.com, \"*.svc" + n
            + ".example.com\"]\n      allowed_ports: [443, 8443]\n      rate_limit: 100/minute\n";
    }
    s += "filesystem:\n  workspace: /agent/workspace\n  rules:\n    - {path: /agent/workspace, permissions: read-write}\n";
    for (int t = 0; t < tools; ++t)
        s += "    - {path: /data/set" + std::to_string(t) + ", permissions: read, allowed_extensions: [.csv, .json]}\n";
    s += "policies:\n";
    static const char *triggers[] = {"tool_call", "tool_call", "network_egress", "file_access", "agent_response", "data_output"};
    for (int i = 0; i < policies; ++i) {
        const auto n = std::to_string(i);
        const char *trig = triggers[i % 6];
        std::string cond;
        switch (i % 6) {
        case 0: cond = "tool.name == 'tool_" + std::to_string(i % tools) + "' and session.total_cost > " + std::to_string(1000000000 + i); break;
        case 1: cond = "tool.calls_in_last_minute > " + std::to_string(100000000 + i) + " or tool.args.mode == 'rm-" + n + "'"; break;
        case 2: cond = "destination.port == " + std::to_string(10000 + i) + " and starts_with(destination.host, 'x" + n + "')"; break;
        case 3: cond = "file.size > " + std::to_string(1000000 + i) + " and file.extension in ['.exe', '.sh', '.x" + n + "']"; break;
        case 4: cond = "len(response) > " + std::to_string(100000 + i) + " or starts_with(response, 'DENY-" + n + "')"; break;
        default: cond = "len(output) > " + std::to_string(100000 + i) + " and lower(output) == 'never-" + n + "'"; break;
        }
        s += "  - name: policy-" + n + "\n    trigger: " + trig + "\n    condition: \"" + cond + "\"\n    action: "
            + (i % 3 == 0 ? "block" : i % 3 == 1 ? "log" : "escalate") + "\n    message: \"Policy " + n
            + " matched\"\n    log_level: " + (i % 2 ? "warning" : "info") + "\n";
    }
    s += "tools:\n";
    for (int t = 0; t < tools; ++t)
        s += "  - name: tool_" + std::to_string(t) + "\n    command: [python3, tools/t" + std::to_string(t)
            + ".py]\n    cost_per_call: 0.01\n";
    return s;
}

std::string generateDocumentOfLines(int lines)
{
    int policies = lines / 8;
    for (;;) {
        std::string s = generatePolicyDocument(policies);
        int n = 0;
        for (char c : s)
            n += c == '\n';
        if (n >= lines)
            return s;
        policies += (lines - n) / 8 + 1;
    }
}

std::string generateSession(int count)
{
    std::string s;
    s.reserve(static_cast<size_t>(count) * 160);
    for (int i = 0; i < count; ++i) {
        const std::string ts = std::to_string(i / 10) + "." + std::to_string(i % 10);
        switch (i % 8) {
        case 0:
            s += R"({"trigger":"tool_call","ts":)" + ts + R"(,"tool":{"name":"knowledge_search","args":{"q":"refund policy"}},"cost":0.001})";
            break;
        case 1:
            s += R"({"trigger":"data_output","ts":)" + ts + R"(,"tool":{"name":"knowledge_search"},"output":"Refunds are processed within 5 business days of approval."})";
            break;
        case 2:
            s += R"({"trigger":"tool_call","ts":)" + ts + R"(,"tool":{"name":"ticket_api","args":{"id":)" + std::to_string(i) + R"(}}})";
            break;
        case 3:
            s += R"({"trigger":"network_egress","ts":)" + ts + R"(,"tool":{"name":"ticket_api"},"destination":{"host":"jira.company.com","port":443,"protocol":"https"},"request":{"bytes":512}})";
            break;
        case 4:
            s += R"({"trigger":"data_output","ts":)" + ts + R"(,"tool":{"name":"ticket_api"},"output":"Customer Jane Roe, card 4111 1111 1111 1111, ticket open"})";
            break;
        case 5:
            s += R"({"trigger":"file_access","ts":)" + ts + R"(,"file":{"path":"/agent/workspace/notes.txt","operation":"write","size":2048}})";
            break;
        case 6:
            s += R"({"trigger":"tool_call","ts":)" + ts + R"(,"tool":{"name":"email_send","args":{"to":"customer@example.com","body":"Your refund is on its way."}}})";
            break;
        default:
            s += R"({"trigger":"agent_response","ts":)" + ts + R"(,"response":"Your ticket has been updated and a refund is on its way."})";
            break;
        }
        s += '\n';
    }
    return s;
}

} // namespace osh::bench
