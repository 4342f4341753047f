#pragma once
// The audit writer's statements for a PostgreSQL store shared by several
// runtime hosts (pgschema.h). Each session and approval records the host
// that wrote it; a host never takes over another host's session, and only
// expires its own approvals by age (any host may decide any approval).

#include "auditwriter.h"
#include "pgdb.h"

#include <set>

namespace osh::audit {

class PgWriter final : public WriterBackend
{
public:
    // Connects and brings the schema up to date (PgSchema::prepare). host:
    // this runtime host's name, recorded with its sessions and approvals.
    // create false: a database without the schema is refused. soleWriter:
    // this writer alone writes the host's events (AuditStore::Options).
    bool open(const std::string &conninfo, const std::string &host, bool create, bool soleWriter,
              std::string &error);

    // Reconnects first when the connection was lost (the store retries a
    // failed batch, so a server restart costs a retry, not the events).
    bool begin(std::string &error) override;
    bool commit(std::string &error) override;
    void rollback() override;
    bool lastChain(const std::string &sessionId, std::string &chain, std::int64_t &seq, bool &found,
                   std::string &error) override;
    InsertResult insertEvent(const AuditEvent &e, std::string &chain, std::string &error) override;
    bool addCount(const std::string &sessionId, const std::string &decision, std::int64_t n,
                  std::string &error) override;
    bool insertCheckpoint(const Checkpoint &c, std::string &error) override;
    InsertResult upsertSession(const SessionRecord &s, std::string &error) override;
    bool endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                    double endedAt, std::string &error) override;
    bool insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error) override;
    bool resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                         const std::string &resolver, std::optional<std::uint32_t> resolverUid, bool &changed,
                         std::string &error) override;
    bool expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error) override;
    bool expireSessionApprovals(const std::string &sessionId, double at, const std::string &note,
                                std::int64_t &count, std::string &error) override;

private:
    using Params = std::vector<std::optional<std::string>>;
    // Runs one statement; its result, or nullopt with error set.
    std::optional<PgResult> run(std::string_view sql, const Params &params, std::string &error);
    // Prepares the statements run for every event, once per connection.
    bool prepareStatements(std::string &error);
    // Longer values of indexed columns (session id, type, severity) do not
    // fit a PostgreSQL index row: refused, never retried for ever.
    static constexpr std::size_t kMaxIndexedBytes = 1024;

    // Takes the host's name (holdHost), false with error when it is held.
    bool holdHost(bool sole, std::string &error);

    PgDb m_db;
    int m_prepared = -1; // the connection generation the statements were prepared on
    bool m_sole = false;
    int m_held = -1; // the connection generation that holds the host's name
    std::string m_host;
    // Whether this host may write events of the session: its record is this
    // host's (made now, when there is none). Cached per session; what the
    // current transaction learnt is kept only if it commits.
    InsertResult claim(const std::string &sessionId, double ts, std::string &error);
    static constexpr std::size_t kMaxCached = 4096;
    std::set<std::string> m_own, m_foreign;
    std::set<std::string> m_pendingOwn, m_pendingForeign;
};

} // namespace osh::audit
