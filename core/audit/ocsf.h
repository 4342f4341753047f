#pragma once
// An audit event as an OCSF 1.8.0 event (JSON object), for SIEM ingestion
// (`osctl audit query --format ocsf`, the service's audit API). The mapping
// is in docs/audit.md, "OCSF mapping":
//   session, sandbox         -> 6002 Application Lifecycle (app)
//   tool calls and the rest  -> 6003 API Activity (actor, api, src_endpoint)
//   network_egress           -> 4001 Network Activity, or 4002 HTTP Activity
//                               for an inspected HTTP request
//   file_access              -> 1001 File System Activity (actor, device, file)
// A decision is in the security_control profile (action, disposition,
// policy, firewall_rule for the network layer); a block or an escalation is
// also a 2004 Detection Finding (ocsfFinding). The session, the policy hash,
// the parameters and the trace stay under "unmapped".

#include "auditevent.h"

#include <string>

namespace osh::audit {

inline constexpr const char *kOcsfVersion = "1.8.0";

// What the event itself does not carry: from its session's record.
struct OcsfContext
{
    std::string policyCommit; // policy.version, when the policy came from git
};

void appendOcsfJson(std::string &out, const AuditEvent &e, const OcsfContext &ctx = {});
std::string toOcsfJson(const AuditEvent &e, const OcsfContext &ctx = {});

// The event's metadata.uid, unique in a store: "SESSION#SEQ" (its finding's
// is that + "#finding"). Collectors deduplicate forwarded events by it.
std::string ocsfUid(const AuditEvent &e);

// Whether the event is worth an analyst's attention as a finding: a block
// or an escalation (by a policy or a layer), or a critical event.
bool hasOcsfFinding(const AuditEvent &e);
// The event's Detection Finding (class 2004); call only when hasOcsfFinding.
void appendOcsfFindingJson(std::string &out, const AuditEvent &e, const OcsfContext &ctx = {});
// The event and, when it has one, its finding: one JSON object a line.
void appendOcsfLines(std::string &out, const AuditEvent &e, const OcsfContext &ctx = {});

} // namespace osh::audit
