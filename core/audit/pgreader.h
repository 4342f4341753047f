#pragma once
// The audit store's reads from a PostgreSQL store (pgschema.h): its own
// connection behind a mutex, reconnected when lost. Long reads (a query, a
// session's scan) go through a cursor and arrive in batches, so a
// million-event session is never held in memory at once.

#include "auditreader.h"
#include "pgdb.h"

#include <mutex>

namespace osh::audit {

// "SELECT <every column of an event> FROM openshell.events", and one row of
// it read back (the event's id in row, its chain value in chain).
extern const char *const kPgEventColumns;
void readPgEvent(const PgResult &r, int row, AuditEvent &e);

class PgReader final : public AuditReader
{
public:
    // The schema must already have been prepared by a PgWriter.
    bool open(const std::string &conninfo, std::string &error);

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
    // PostgreSQL keeps its own pages consistent (checksums, WAL); this
    // checks what the store can: the server answers and the schema is at
    // the version this build writes.
    bool integrityCheck(std::string &report) override;
    bool chainEvents(const std::string &sessionId, const std::function<bool(const AuditEvent &)> &visit,
                     std::string &error) override;
    bool checkpoints(const std::string &sessionId, std::vector<Checkpoint> &out, std::string &error) override;

private:
    using Params = std::vector<std::optional<std::string>>;
    // Runs sql through a cursor in a read-only transaction, calling row(result,
    // i) for each row until it returns false.
    bool forEachRow(const std::string &sql, const Params &params,
                    const std::function<bool(const PgResult &, int)> &row, std::string &error);

    std::mutex m_mutex;
    PgDb m_db;
};

} // namespace osh::audit
