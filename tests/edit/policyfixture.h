#pragma once
// Fixture texts for tst_policytextedit (kept out of the test source: moc
// cannot read raw string literals that hold quotes).

#include <string>

namespace {

// A document with comments, blank lines, quoted values and both item styles.
inline const std::string kDoc = R"(# Header comment
version: 1
name: demo   # trailing comment
sandbox:
  isolation: gvisor
  max_memory_mb: 2048   # MB
  environment:
    LANG: C.UTF-8
network:
  rules:
    - tool: search
      allowed_hosts: [a.example.com]
      protocol: https
filesystem:
  rules:
    - {path: /data, permissions: read}
policies:
  # First: redact
  - name: pii
    trigger: data_output
    condition: contains_pii(output)
    action: redact

  - name: 'cost'
    trigger: tool_call
    condition: session.total_cost > 5.0
    action: block
    # about cost's message
    message: "Too \"much\""
  - name: last
    trigger: tool_call
    condition: "true"
    action: allow
# Footer comment
)";

// kDoc with its first policy moved to the end.
inline const std::string kDocFirstPolicyLast = R"(# Header comment
version: 1
name: demo   # trailing comment
sandbox:
  isolation: gvisor
  max_memory_mb: 2048   # MB
  environment:
    LANG: C.UTF-8
network:
  rules:
    - tool: search
      allowed_hosts: [a.example.com]
      protocol: https
filesystem:
  rules:
    - {path: /data, permissions: read}
policies:
  - name: 'cost'
    trigger: tool_call
    condition: session.total_cost > 5.0
    action: block
    # about cost's message
    message: "Too \"much\""

  - name: last
    trigger: tool_call
    condition: "true"
    action: allow
  # First: redact
  - name: pii
    trigger: data_output
    condition: contains_pii(output)
    action: redact
# Footer comment
)";

} // namespace
