#include "pgschema.h"

#include "pgdb.h"

namespace osh::audit {

namespace {

// Any fixed number: every host prepares under the same advisory lock.
constexpr const char *kPrepareLock = "SELECT pg_advisory_xact_lock(7045727341)";

const char *const kCreateV1 = R"sql(
CREATE SCHEMA IF NOT EXISTS openshell;
CREATE TABLE openshell.meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE openshell.sessions (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL DEFAULT '',
    started_at DOUBLE PRECISION NOT NULL,
    ended_at DOUBLE PRECISION,
    policy_file TEXT NOT NULL DEFAULT '',
    policy_hash TEXT NOT NULL DEFAULT '',
    policy_commit TEXT NOT NULL DEFAULT '',
    policy_dirty BOOLEAN NOT NULL DEFAULT FALSE,
    isolation TEXT NOT NULL DEFAULT '',
    exit_status INTEGER,
    exit_reason TEXT NOT NULL DEFAULT '',
    command TEXT NOT NULL DEFAULT '',
    owner_uid BIGINT
);
CREATE INDEX sessions_owner ON openshell.sessions(owner_uid);
CREATE INDEX sessions_host ON openshell.sessions(host, started_at);
CREATE TABLE openshell.events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    ts DOUBLE PRECISION NOT NULL,
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
    chain TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, seq)
);
CREATE INDEX events_ts ON openshell.events(ts, seq);
CREATE INDEX events_session_ts ON openshell.events(session_id, ts, seq);
CREATE INDEX events_session_id ON openshell.events(session_id, id);
CREATE INDEX events_type ON openshell.events(type, ts);
CREATE INDEX events_severity ON openshell.events(severity, ts);
CREATE INDEX events_host ON openshell.events(host, id);
CREATE TABLE openshell.session_counts (
    session_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (session_id, decision)
);
CREATE TABLE openshell.approvals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    queue TEXT NOT NULL DEFAULT '',
    tool TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    resolved_at DOUBLE PRECISION,
    note TEXT NOT NULL DEFAULT '',
    resolver TEXT NOT NULL DEFAULT '',
    resolver_uid BIGINT,
    token TEXT NOT NULL,
    UNIQUE (host, token)
);
CREATE INDEX approvals_status ON openshell.approvals(status, created_at);
CREATE TABLE openshell.checkpoints (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    chain TEXT NOT NULL,
    ts DOUBLE PRECISION NOT NULL,
    key TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX checkpoints_session ON openshell.checkpoints(session_id, id);
CREATE TABLE openshell.agent_stores (
    host TEXT NOT NULL,
    store TEXT NOT NULL,
    owner_uid BIGINT NOT NULL,
    agent TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (host, store)
);
CREATE TABLE openshell.agent_items (
    host TEXT NOT NULL,
    store TEXT NOT NULL,
    key TEXT NOT NULL,
    size BIGINT NOT NULL,
    sealed TEXT NOT NULL,
    updated DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (host, store, key)
);
INSERT INTO openshell.meta(key, value) VALUES ('schema_version', '1');
)sql";

} // namespace

bool PgSchema::version(PgDb &db, int &out, std::string &error)
{
    out = 0;
    auto exists = db.exec("SELECT to_regclass('openshell.meta') IS NOT NULL", {}, error);
    if (!exists)
        return false;
    if (exists->text(0, 0) != "t")
        return true;
    auto r = db.exec("SELECT value FROM openshell.meta WHERE key = 'schema_version'", {}, error);
    if (!r)
        return false;
    if (r->rows() != 1) {
        error = "openshell.meta has no schema_version";
        return false;
    }
    const std::string text(r->text(0, 0));
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
        error = "invalid schema_version '" + text + "'";
        return false;
    }
    out = std::stoi(text);
    return true;
}

bool PgSchema::prepare(PgDb &db, std::string &error, bool create)
{
    // Agents' text is UTF-8: a database in another encoding would refuse
    // some of it for ever (and SQL_ASCII would check nothing).
    auto encoding = db.exec("SHOW server_encoding", {}, error);
    if (!encoding)
        return false;
    if (encoding->text(0, 0) != "UTF8") {
        error = "the database's encoding is " + std::string(encoding->text(0, 0))
            + ", not UTF8: create it with ENCODING 'UTF8'";
        return false;
    }
    if (!db.run("BEGIN", error))
        return false;
    auto fail = [&] {
        std::string ignored;
        db.run("ROLLBACK", ignored);
        return false;
    };
    if (!db.run(kPrepareLock, error))
        return fail();
    int current = 0;
    if (!version(db, current, error))
        return fail();
    if (current == 0 && !create) {
        error = "no audit store in this database (the runtime creates it on its first session)";
        return fail();
    }
    if (current == 0) {
        auto foreign = db.exec("SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                               "ON n.oid = c.relnamespace WHERE n.nspname = 'openshell'",
                               {}, error);
        if (!foreign)
            return fail();
        if (foreign->integer(0, 0).value_or(1) != 0) {
            error = "the database's schema 'openshell' holds tables but is not an OpenShell audit store "
                    "(no openshell.meta)";
            return fail();
        }
        if (!db.run(kCreateV1, error)) {
            error = "creating the schema: " + error;
            return fail();
        }
    } else if (current > kVersion) {
        error = "the audit store has schema version " + std::to_string(current)
            + ", newer than this build supports (" + std::to_string(kVersion) + "); use a newer OpenShell Studio";
        return fail();
    }
    // current < kVersion: no migration exists yet (version 1 is the first).
    if (!db.run("COMMIT", error))
        return fail();
    return true;
}

} // namespace osh::audit
