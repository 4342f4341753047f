#pragma once
// The audit store's versioned schema. Version history:
//   1  sessions and events only (the first layout);
//   2  approvals, per-session decision counts, events.policy_hash,
//      sessions.policy_commit/policy_dirty, session+time, type and
//      severity indexes;
//   3  events.request: the request each action was decided on (eval
//      format, PII replaced by surrogates), for what-if replay;
//   4  sessions.owner_uid (the user a session ran for) and
//      approvals.resolver_uid, both NULL when unknown; the sessions_owner
//      index;
//   5  events.chain: the per-session SHA-256 hash chain (auditchain.h),
//      empty for events stored before.
// A database records its version in meta.schema_version; an older one is
// migrated step by step on open, a newer one is refused.

#include <string>

namespace osh::audit {

class SqliteDb;

class AuditSchema
{
public:
    static constexpr int kVersion = 5;

    // Sets the connection's pragmas (WAL, synchronous=NORMAL, busy timeout)
    // and brings the schema to kVersion: create() on an empty database,
    // migrate() on an older one, all inside one immediate transaction. Fails
    // (with a message naming what is wrong) on a newer version, on an SQLite
    // database that is not an audit store, and on a corrupt or foreign file.
    static bool prepare(SqliteDb &db, int busyTimeoutMs, std::string &error);

    // Pragmas only, for a second connection to an already prepared file.
    static bool configure(SqliteDb &db, int busyTimeoutMs, std::string &error);

    // Reads meta.schema_version; 0 when there is no meta table.
    static bool version(SqliteDb &db, int &out, std::string &error);

private:
    static bool create(SqliteDb &db, std::string &error);
    static bool migrate(SqliteDb &db, int from, std::string &error);
};

} // namespace osh::audit
