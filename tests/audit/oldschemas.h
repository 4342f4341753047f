#pragma once
// Test helper: earlier layouts of the audit store (tables and indexes, no
// rows), as stores of those versions left them, to build old stores by hand
// and check that opening one migrates it. Each sets meta.schema_version.

#include <string>

// Version 2: approvals, session counts and the time indexes; no
// events.request.
inline const char *const kAuditLayoutV2 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '2');
CREATE TABLE sessions (id TEXT PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,
    policy_file TEXT NOT NULL DEFAULT '', policy_hash TEXT NOT NULL DEFAULT '',
    policy_commit TEXT NOT NULL DEFAULT '', policy_dirty INTEGER NOT NULL DEFAULT 0,
    isolation TEXT NOT NULL DEFAULT '', exit_status INTEGER, exit_reason TEXT NOT NULL DEFAULT '',
    command TEXT NOT NULL DEFAULT '');
CREATE TABLE events (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, ts REAL NOT NULL,
    type TEXT NOT NULL, tool TEXT NOT NULL DEFAULT '', parameters TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '', layer TEXT NOT NULL DEFAULT '', policy TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '', severity TEXT NOT NULL DEFAULT 'info', trace TEXT NOT NULL DEFAULT '',
    policy_hash TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX events_session_seq ON events(session_id, seq);
CREATE INDEX events_ts ON events(ts, seq);
CREATE INDEX events_session_ts ON events(session_id, ts, seq);
CREATE INDEX events_type ON events(type, ts);
CREATE INDEX events_severity ON events(severity, ts);
CREATE TABLE session_counts (session_id TEXT NOT NULL, decision TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (session_id, decision)) WITHOUT ROWID;
CREATE TABLE approvals (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, seq INTEGER NOT NULL,
    created_at REAL NOT NULL, queue TEXT NOT NULL DEFAULT '', tool TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '', policy TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '', decision TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    resolved_at REAL, note TEXT NOT NULL DEFAULT '', resolver TEXT NOT NULL DEFAULT '');
CREATE INDEX approvals_status ON approvals(status, created_at);
)sql";

// Version 3: version 2 and events.request; no sessions.owner_uid, no
// approvals.resolver_uid, no sessions_owner index.
inline const std::string kAuditLayoutV3 = std::string(kAuditLayoutV2) + R"sql(
ALTER TABLE events ADD COLUMN request TEXT NOT NULL DEFAULT '';
UPDATE meta SET value = '3' WHERE key = 'schema_version';
)sql";

// Version 4: version 3 with owner and resolver uids; no events.chain.
inline const std::string kAuditLayoutV4 = kAuditLayoutV3 + R"sql(
ALTER TABLE sessions ADD COLUMN owner_uid INTEGER;
CREATE INDEX sessions_owner ON sessions(owner_uid);
ALTER TABLE approvals ADD COLUMN resolver_uid INTEGER;
UPDATE meta SET value = '4' WHERE key = 'schema_version';
)sql";
