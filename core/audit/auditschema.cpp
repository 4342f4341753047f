#include "auditschema.h"

#include "sqlitedb.h"

#include <sqlite3.h>

#include <cstdlib>

namespace osh::audit {

namespace {

// The signed checkpoints of the hash chains (auditcheckpoint.h), created
// after kCreateV5 and after kMigrate4To5.
const char *const kCheckpoints = R"sql(
CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    chain TEXT NOT NULL,
    ts REAL NOT NULL,
    key TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX checkpoints_session ON checkpoints(session_id, id);
)sql";

const char *const kCreateV5 = R"sql(
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    ended_at REAL,
    policy_file TEXT NOT NULL DEFAULT '',
    policy_hash TEXT NOT NULL DEFAULT '',
    policy_commit TEXT NOT NULL DEFAULT '',
    policy_dirty INTEGER NOT NULL DEFAULT 0,
    isolation TEXT NOT NULL DEFAULT '',
    exit_status INTEGER,
    exit_reason TEXT NOT NULL DEFAULT '',
    command TEXT NOT NULL DEFAULT '',
    owner_uid INTEGER
);
CREATE INDEX sessions_owner ON sessions(owner_uid);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ts REAL NOT NULL,
    type TEXT NOT NULL,
    tool TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    layer TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL DEFAULT 'info',
    trace TEXT NOT NULL DEFAULT '',
    policy_hash TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '',
    chain TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX events_session_seq ON events(session_id, seq);
CREATE INDEX events_ts ON events(ts, seq);
CREATE INDEX events_session_ts ON events(session_id, ts, seq);
CREATE INDEX events_type ON events(type, ts);
CREATE INDEX events_severity ON events(severity, ts);
CREATE TABLE session_counts (
    session_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (session_id, decision)
) WITHOUT ROWID;
CREATE TABLE approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_at REAL NOT NULL,
    queue TEXT NOT NULL DEFAULT '',
    tool TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    resolved_at REAL,
    note TEXT NOT NULL DEFAULT '',
    resolver TEXT NOT NULL DEFAULT '',
    resolver_uid INTEGER
);
CREATE INDEX approvals_status ON approvals(status, created_at);
INSERT INTO meta(key, value) VALUES ('schema_version', '5');
)sql";

// Version 1 -> 2. Counts are rebuilt from the events already stored, so
// `osctl sessions` is right for sessions recorded before the upgrade.
const char *const kMigrate1To2 = R"sql(
ALTER TABLE sessions ADD COLUMN policy_commit TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN policy_dirty INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN policy_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS events_ts ON events(ts, seq);
CREATE INDEX events_session_ts ON events(session_id, ts, seq);
CREATE INDEX events_type ON events(type, ts);
CREATE INDEX events_severity ON events(severity, ts);
CREATE TABLE session_counts (
    session_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (session_id, decision)
) WITHOUT ROWID;
INSERT INTO session_counts(session_id, decision, n)
    SELECT session_id, CASE decision WHEN '' THEN 'none' ELSE decision END, COUNT(*)
    FROM events GROUP BY 1, 2;
CREATE TABLE approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_at REAL NOT NULL,
    queue TEXT NOT NULL DEFAULT '',
    tool TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    resolved_at REAL,
    note TEXT NOT NULL DEFAULT '',
    resolver TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approvals_status ON approvals(status, created_at);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
)sql";

// Version 2 -> 3: the request each action was decided on, for what-if
// replay. Events stored before keep an empty request (replayed from their
// redacted parameters, flagged approximate).
const char *const kMigrate2To3 = R"sql(
ALTER TABLE events ADD COLUMN request TEXT NOT NULL DEFAULT '';
UPDATE meta SET value = '3' WHERE key = 'schema_version';
)sql";

// Version 3 -> 4: who a session ran for and who resolved an approval, by
// uid, for a service that runs sessions of several users. Both stay NULL
// (unknown) for what is already stored.
const char *const kMigrate3To4 = R"sql(
ALTER TABLE sessions ADD COLUMN owner_uid INTEGER;
CREATE INDEX sessions_owner ON sessions(owner_uid);
ALTER TABLE approvals ADD COLUMN resolver_uid INTEGER;
UPDATE meta SET value = '4' WHERE key = 'schema_version';
)sql";

// Version 4 -> 5: the per-session hash chain and its signed checkpoints
// (auditchain.h, auditcheckpoint.h). Events already
// stored keep an empty chain: `osctl audit verify` counts them as recorded
// before chaining, at the start of their session only.
const char *const kMigrate4To5 = R"sql(
ALTER TABLE events ADD COLUMN chain TEXT NOT NULL DEFAULT '';
UPDATE meta SET value = '5' WHERE key = 'schema_version';
)sql";

} // namespace

bool AuditSchema::configure(SqliteDb &db, int busyTimeoutMs, std::string &error)
{
    sqlite3_busy_timeout(db.handle(), busyTimeoutMs);
    // The first statement that reads the file: a foreign or corrupt file
    // fails here with NOTADB/CORRUPT instead of later in a worse place.
    std::string mode;
    if (!db.queryText("PRAGMA journal_mode=WAL", mode, error))
        return false;
    if (mode != "wal") {
        error = "cannot switch the database to WAL mode (journal mode is '" + mode + "')";
        return false;
    }
    // NORMAL in WAL mode: a commit is in the WAL (the OS's page cache) when
    // COMMIT returns, so it survives the process being killed; only an OS
    // crash or power loss can lose the last transactions.
    // A 16 MiB page cache per connection keeps the indexes' hot pages of a
    // large store in memory (the default 2 MiB halves insert throughput at
    // a million events); sorts for queries stay in memory too.
    return db.exec("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY", error);
}

bool AuditSchema::version(SqliteDb &db, int &out, std::string &error)
{
    long long hasMeta = 0;
    if (!db.queryInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", hasMeta, error))
        return false;
    if (!hasMeta) {
        out = 0;
        return true;
    }
    std::string text;
    if (!db.queryText("SELECT value FROM meta WHERE key = 'schema_version'", text, error)) {
        error = "the meta table has no schema_version (" + error + ")";
        return false;
    }
    char *end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 1) {
        error = "invalid schema_version '" + text + "'";
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

bool AuditSchema::prepare(SqliteDb &db, int busyTimeoutMs, std::string &error)
{
    if (!configure(db, busyTimeoutMs, error))
        return false;
    // IMMEDIATE: two processes opening a new store at once must not both
    // create the schema; the second waits and then sees the first's.
    if (!db.exec("BEGIN IMMEDIATE", error))
        return false;
    auto fail = [&] {
        db.rollbackQuietly();
        return false;
    };
    int current = 0;
    if (!version(db, current, error))
        return fail();
    if (current == 0) {
        long long tables = 0;
        if (!db.queryInt("SELECT COUNT(*) FROM sqlite_master", tables, error))
            return fail();
        if (tables > 0) {
            error = "the file is an SQLite database but not an OpenShell audit store (no meta table)";
            return fail();
        }
        if (!create(db, error))
            return fail();
    } else if (current > kVersion) {
        error = "the audit store has schema version " + std::to_string(current)
            + ", newer than this build supports (" + std::to_string(kVersion)
            + "); use a newer OpenShell Studio";
        return fail();
    } else if (current < kVersion) {
        if (!migrate(db, current, error))
            return fail();
    }
    if (!db.exec("COMMIT", error))
        return fail();
    return true;
}

bool AuditSchema::create(SqliteDb &db, std::string &error)
{
    if (!db.exec(kCreateV5, error) || !db.exec(kCheckpoints, error)) {
        error = "creating the schema: " + error;
        return false;
    }
    return true;
}

bool AuditSchema::migrate(SqliteDb &db, int from, std::string &error)
{
    // One step per version, so a version-1 store walks every later step.
    for (int v = from; v < kVersion; ++v) {
        const char *step = nullptr;
        switch (v) {
        case 1: step = kMigrate1To2; break;
        case 2: step = kMigrate2To3; break;
        case 3: step = kMigrate3To4; break;
        case 4: step = kMigrate4To5; break;
        default: break;
        }
        if (!step) {
            error = "no migration from schema version " + std::to_string(v);
            return false;
        }
        if (!db.exec(step, error) || (v == 4 && !db.exec(kCheckpoints, error))) {
            error = "migrating the schema from version " + std::to_string(v) + ": " + error;
            return false;
        }
    }
    return true;
}

} // namespace osh::audit
