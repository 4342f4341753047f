#pragma once
// The reading half of the audit store: its own connection behind a mutex, so
// any thread may read while the worker thread writes. Each read sees every
// transaction committed before it started, by any connection, process or
// host (how the runtime sees `osctl approvals approve`). AuditReader is what
// the store reads through; SqliteReader reads an SQLite file (WAL mode),
// PgReader (pgreader.h) a PostgreSQL store.

#include "approval.h"
#include "auditcheckpoint.h"
#include "auditquery.h"
#include "sqlitedb.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace osh::audit {

class SqliteStmt;

// An event's stored fields from a row whose first 14 columns are session_id,
// seq, ts, type, tool, parameters, decision, layer, policy, message,
// severity, trace, policy_hash and request, in that order.
void readEventColumns(const SqliteStmt &st, AuditEvent &e);

// The select list of a session scan with AuditColumns flags, and where
// each optional column lands (-1: not read). Both backends use it.
struct ScanLayout
{
    explicit ScanLayout(unsigned columns);
    std::string select;   // "SELECT seq, ts, ..." without FROM
    int paramsCol = -1;   // parameters
    int textCol = -1;     // message; trace and policy_hash follow it
    int requestCol = -1;

    // Sets the optional fields of r from a row; column(i) gives column i's text.
    template <typename Column>
    void fillOptional(AuditRowView &r, Column &&column) const
    {
        if (paramsCol >= 0)
            r.parameters = column(paramsCol);
        if (textCol >= 0) {
            r.message = column(textCol);
            r.trace = column(textCol + 1);
            r.policyHash = column(textCol + 2);
        }
        if (requestCol >= 0)
            r.request = column(requestCol);
    }
};

class AuditReader
{
public:
    virtual ~AuditReader() = default;

    // Calls visit for each matching event in order until it returns false.
    // visit runs with the reader locked: it must not read from the store.
    virtual bool query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit, std::string &error) = 0;
    // Every session, or only those begun with owner (AuditStore::sessionsOwnedBy).
    virtual bool sessions(std::optional<std::uint32_t> owner, std::vector<SessionSummary> &out, std::string &error) = 0;
    // One session's events in seq order, one statement (see AuditStore::scanSession).
    virtual bool scanSession(const std::string &sessionId, unsigned columns,
                     const std::function<bool(const AuditRowView &)> &visit, std::string &error) = 0;
    // One event; found is false when it is not stored.
    virtual bool event(const std::string &sessionId, std::int64_t seq, AuditEvent &out, bool &found, std::string &error) = 0;
    // Seqs of the session's events whose message or parameters contain
    // needle (ASCII case-insensitive), in order.
    virtual bool searchText(const std::string &sessionId, const std::string &needle, std::vector<std::int64_t> &out,
                    std::string &error) = 0;
    // found is false when there is no approval with this id.
    virtual bool approval(std::int64_t id, ApprovalRecord &out, bool &found, std::string &error) = 0;
    // All approvals, or only those with the given status and/or of sessions
    // begun with the given owner; oldest first.
    virtual bool approvals(std::optional<ApprovalStatus> status, std::optional<std::uint32_t> owner,
                   std::vector<ApprovalRecord> &out, std::string &error) = 0;
    // The owner of the session an approval belongs to (AuditStore::approvalOwner).
    virtual bool approvalOwner(std::int64_t id, std::optional<std::uint32_t> &owner, std::string &error) = 0;
    // The host that ran a begun session, nullopt when not begun (AuditStore::sessionHost).
    virtual bool sessionHost(const std::string &sessionId, std::optional<std::string> &host, std::string &error) = 0;
    // The highest stored seq of a session, 0 when it has none.
    virtual bool maxSeq(const std::string &sessionId, std::int64_t &out, std::string &error) = 0;
    // The database's own consistency check: true and "ok" when sound.
    virtual bool integrityCheck(std::string &report) = 0;

    // For tamper evidence (auditchain.h): one session's events (every
    // session's when sessionId is empty), each with its stored chain value
    // and row, in the order the chains were built (insertion order within
    // a session), sessions in id order.
    virtual bool chainEvents(const std::string &sessionId, const std::function<bool(const AuditEvent &)> &visit,
                             std::string &error) = 0;
    // The signed checkpoints of one session (or of all), by session, then
    // oldest first.
    virtual bool checkpoints(const std::string &sessionId, std::vector<Checkpoint> &out, std::string &error) = 0;

};

class SqliteReader final : public AuditReader
{
public:
    // The file must already have been prepared by an AuditWriter.
    bool open(const std::string &path, int busyTimeoutMs, std::string &error);

    bool query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit, std::string &error) override;
    bool sessions(std::optional<std::uint32_t> owner, std::vector<SessionSummary> &out, std::string &error) override;
    bool scanSession(const std::string &sessionId, unsigned columns,
                     const std::function<bool(const AuditRowView &)> &visit, std::string &error) override;
    bool event(const std::string &sessionId, std::int64_t seq, AuditEvent &out, bool &found, std::string &error) override;
    bool searchText(const std::string &sessionId, const std::string &needle, std::vector<std::int64_t> &out,
                    std::string &error) override;
    bool approval(std::int64_t id, ApprovalRecord &out, bool &found, std::string &error) override;
    bool approvals(std::optional<ApprovalStatus> status, std::optional<std::uint32_t> owner,
                   std::vector<ApprovalRecord> &out, std::string &error) override;
    bool approvalOwner(std::int64_t id, std::optional<std::uint32_t> &owner, std::string &error) override;
    bool sessionHost(const std::string &sessionId, std::optional<std::string> &host, std::string &error) override;
    bool maxSeq(const std::string &sessionId, std::int64_t &out, std::string &error) override;
    bool integrityCheck(std::string &report) override;
    bool chainEvents(const std::string &sessionId, const std::function<bool(const AuditEvent &)> &visit,
                     std::string &error) override;
    bool checkpoints(const std::string &sessionId, std::vector<Checkpoint> &out, std::string &error) override;

    // The file's schema version (auditschema.h).
    bool schemaVersion(int &out, std::string &error);

private:
    std::mutex m_mutex;
    SqliteDb m_db;
};

} // namespace osh::audit
