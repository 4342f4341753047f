#pragma once
// An audit event as an OCSF 1.1 event (JSON object), for SIEM ingestion
// (`osctl audit query --format ocsf`). The mapping is in docs/audit.md:
//   network_egress           -> 4001 Network Activity
//   file_access              -> 1001 File System Activity
//   session, sandbox         -> 6002 Application Lifecycle
//   everything else          -> 6003 API Activity
// The decision becomes action/disposition, the audit severity severity_id;
// what OCSF has no place for goes under "unmapped".

#include "auditevent.h"

#include <string>

namespace osh::audit {

void appendOcsfJson(std::string &out, const AuditEvent &e);
std::string toOcsfJson(const AuditEvent &e);

} // namespace osh::audit
