#pragma once
// The schema of the audit store shared by several runtime hosts in one
// PostgreSQL database: the tables of the SQLite store (auditschema.h,
// version 5), in their own PostgreSQL schema `openshell`, with the host
// that ran each session and holds each approval. Version history:
//   1  sessions (with host), events (with the hash chain and the host that
//      wrote them, for its forwarders), session_counts,
//      approvals (with host, and the token that makes a retried write
//      find the approval a lost commit stored), checkpoints, meta, and the
//      agents' state (agent_stores, agent_items: sealed values, by host).
// A database records its version in openshell.meta.schema_version; an
// older one is migrated step by step, a newer one is refused. Preparing is
// serialised by an advisory transaction lock, so several hosts starting at
// once neither create the tables twice nor see half of them.

#include <string>

namespace osh::audit {

class PgDb;

class PgSchema
{
public:
    static constexpr int kVersion = 1;

    // Brings the database's `openshell` schema to kVersion (created when
    // missing) in one transaction. Fails, naming what is wrong, on a newer
    // version and on an `openshell` schema that is not an audit store.
    // create false: a database without the schema is refused instead
    // (osctl's commands read a store, they never make one).
    static bool prepare(PgDb &db, std::string &error, bool create = true);

    // Reads openshell.meta.schema_version; 0 when there is no such table.
    static bool version(PgDb &db, int &out, std::string &error);
};

} // namespace osh::audit
