#pragma once
// Random policy documents and requests for comparing indexed policy
// selection with a full scan (tests/core/tst_policyindex.cpp and
// fuzz/fuzz_policyindex.cpp): conditions over the variables an index can pin,
// conjuncts that fail (len(null), ordering a string), negations and 'or', and
// requests that hit and miss the documents' keys.

#include <string>
#include <string_view>
#include <utility>

namespace osh::test {

// Random policy documents over the variables an index can pin and
// conditions that can fail, and requests that hit and miss their keys.
// pick(n) comes from Source: a seeded generator in the test, the input's
// bytes in the fuzz target.
template<class Source>
class RandomPolicyGenerator
{
public:
    explicit RandomPolicyGenerator(Source source) : m_source(std::move(source)) {}

    std::string document(int policies)
    {
        std::string y = "version: 1\nname: random\nnetwork:\n  default_policy: deny-all\n  rules:\n"
                        "    - tool: \"*\"\n      allowed_hosts: [a.example.com, b.example.com, c.example.org]\n"
                        "      allowed_ports: [80, 443, 8443]\npolicies:\n";
        for (int i = 0; i < policies; ++i) {
            const int trigger = pick(4);
            static const char *triggers[] = {"tool_call", "tool_call", "data_output", "network_egress"};
            static const char *actions[] = {"block", "allow", "log", "redact", "escalate", "throttle"};
            const char *action = actions[pick(6)];
            y += "  - name: p" + std::to_string(i) + "\n    trigger: " + triggers[trigger] + "\n    condition: \""
                + condition(trigger == 3 ? Egress : (trigger == 2 ? Output : Tool), 0) + "\"\n    action: " + action
                + "\n";
            if (std::string_view(action) == "throttle")
                y += "    delay_seconds: 0.5\n";
            if (pick(2))
                y += "    message: message of p" + std::to_string(i) + "\n";
        }
        return y;
    }

    std::string toolRequest()
    {
        std::string args = "{";
        auto add = [&](const std::string &kv) { args += (args.size() > 1 ? "," : "") + kv; };
        switch (pick(4)) {
        case 0: add(R"("text":"call me at 555-0100 or mail bob@example.com")"); break;
        case 1: add(R"("text":"nothing to see")"); break;
        case 2: add(R"("text":42)"); break;
        default: break;
        }
        switch (pick(3)) {
        case 0: add(R"("n":7)"); break;
        case 1: add(R"("n":"seven")"); break;
        default: break;
        }
        args += "}";
        return R"({"trigger":"tool_call","cost":)" + std::to_string(pick(4)) + R"(,"tool":{"name":")" + toolName()
            + R"(","args":)" + args + "}}";
    }

    std::string outputRequest()
    {
        static const char *outputs[] = {"plain text", "ssn 123-45-6789 here", "card 4111 1111 1111 1111"};
        std::string r = R"({"trigger":"data_output","output":")" + std::string(outputs[pick(3)]) + "\"";
        if (pick(3))
            r += R"(,"tool":{"name":")" + toolName() + "\"}";
        return r + "}";
    }

    std::string egressRequest()
    {
        static const char *hosts[] = {"a.example.com", "b.example.com", "c.example.org", "d.example.net"};
        static const int ports[] = {80, 443, 8443, 25};
        return R"({"trigger":"network_egress","tool":{"name":")" + toolName() + R"("},"destination":{"host":")"
            + hosts[pick(4)] + R"(","port":)" + std::to_string(ports[pick(4)]) + R"(,"protocol":")"
            + (pick(2) ? "https" : "http") + "\"}}";
    }

    std::string anyRequest()
    {
        switch (pick(4)) {
        case 0: return outputRequest();
        case 1: return egressRequest();
        default: return toolRequest();
        }
    }

    int pick(int n) { return m_source.pick(n); }

private:
    enum Kind { Tool, Output, Egress };

    std::string toolName() { return "t" + std::to_string(pick(7)); }

    std::string names(int n)
    {
        std::string s = "[";
        for (int i = 0; i < n; ++i)
            s += (i ? ", " : "") + std::string("'t") + std::to_string(pick(9)) + "'";
        return s + "]";
    }

    // Conjuncts an index can pin, and the others (some of which fail).
    std::string atom(Kind k)
    {
        switch (pick(k == Egress ? 16 : 12)) {
        case 0:
        case 1: return "tool.name == 't" + std::to_string(pick(8)) + "'";
        case 2: return "'t" + std::to_string(pick(8)) + "' == tool.name";
        case 3: return "tool.name in " + names(1 + pick(3));
        case 4: return "tool.name in " + names(9 + pick(3)); // a list long enough for a ListIndex
        case 5: return "session.total_cost == " + std::to_string(pick(6)) + (pick(2) ? ".0" : "");
        case 6: return "session.tool_calls in [1, 2, 3.0]";
        case 7: return "session.total_cost > " + std::to_string(pick(8)) + ".5";
        case 8: return "tool.name != 't" + std::to_string(pick(8)) + "'";
        case 9:
            return k == Tool ? "contains_pii(tool.args.text)"
                             : (k == Output ? "contains_pii(output)" : "destination.port > 100");
        case 10: return k == Tool ? "tool.args.n > 3" : "true";
        case 11: return k == Tool ? "len(tool.args.text) > 10" : "false";
        case 12: return "destination.port == " + std::to_string(pick(2) ? 443 : 80) + (pick(3) ? "" : ".0");
        case 13: return "destination.host in ['a.example.com', 'b.example.com']";
        case 14: return "destination.protocol == 'https'";
        default: return "destination.ip == '10.0.0.1'";
        }
    }

    std::string condition(Kind k, int depth)
    {
        const int form = depth > 2 ? 0 : pick(6);
        switch (form) {
        case 0:
        case 1: return atom(k);
        case 2:
        case 3: return condition(k, depth + 1) + " and " + condition(k, depth + 1);
        case 4: return "(" + condition(k, depth + 1) + " and " + condition(k, depth + 1) + ") and " + atom(k);
        default: return pick(2) ? "not (" + condition(k, depth + 1) + ")" : condition(k, depth + 1) + " or " + atom(k);
        }
    }

    Source m_source;
};

} // namespace osh::test
