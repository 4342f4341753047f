#pragma once
// The writing half of the audit store, used only by the store's worker
// thread. It knows how to write one thing inside the current transaction;
// the store decides batching, retries and acknowledgements. What does not
// depend on the database is here (each session's chain head, checkpoints
// due, per-batch counts); the statements are a WriterBackend's (SQLite:
// sqlitewriter.h, PostgreSQL: pgwriter.h).

#include "approval.h"
#include "auditcheckpoint.h"
#include "auditevent.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace osh::audit {

// Ok: stored. Stored: this very event was stored already (same session,
// seq and chain value: a commit whose answer was lost, retried); it counts
// as written and is not counted again. Rejected: this event alone cannot be
// stored (another event holds its session+seq); the transaction goes on.
// Failed: the transaction must be rolled back (full disk, I/O error, lock
// timeout, lost connection).
enum class InsertResult { Ok, Stored, Rejected, Failed };

// One database's statements, each run inside the transaction begun by
// begin(). Failures set error to a message without row values.
class WriterBackend
{
public:
    virtual ~WriterBackend() = default;

    virtual bool begin(std::string &error) = 0;
    virtual bool commit(std::string &error) = 0;
    virtual void rollback() = 0;

    // The chain value and seq of the session's last stored event; found is
    // false when none is stored.
    virtual bool lastChain(const std::string &sessionId, std::string &chain, std::int64_t &seq, bool &found,
                           std::string &error) = 0;
    // chain: the value computed for e; on Stored, the value stored for it.
    virtual InsertResult insertEvent(const AuditEvent &e, std::string &chain, std::string &error) = 0;
    virtual bool addCount(const std::string &sessionId, const std::string &decision, std::int64_t n,
                          std::string &error) = 0;
    virtual bool insertCheckpoint(const Checkpoint &c, std::string &error) = 0;
    // Rejected: the session is another host's (a shared store); nothing
    // was written and the transaction goes on.
    virtual InsertResult upsertSession(const SessionRecord &s, std::string &error) = 0;
    virtual bool endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                            double endedAt, std::string &error) = 0;
    virtual bool insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error) = 0;
    virtual bool resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                                 const std::string &resolver, std::optional<std::uint32_t> resolverUid,
                                 bool &changed, std::string &error) = 0;
    virtual bool expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error) = 0;
    virtual bool expireSessionApprovals(const std::string &sessionId, double at, const std::string &note,
                                        std::int64_t &count, std::string &error) = 0;
};

class AuditWriter
{
public:
    // backend: opened, its schema up to date.
    explicit AuditWriter(std::unique_ptr<WriterBackend> backend);

    // Signs checkpoints of the sessions' chain heads with key
    // (auditcheckpoint.h): a head at most intervalSeconds after it was first
    // committed unsigned (at a commit, or by checkpointDue() when idle), and
    // at the commit that ends its session.
    void setSigner(std::shared_ptr<const CheckpointKey> key, double intervalSeconds);

    bool begin(std::string &error);
    // Writes the batch's decision counts and the checkpoints due, then
    // commits.
    bool commit(std::string &error);
    void rollback();

    // Seconds until a head not yet signed is due for its checkpoint; -1
    // when every head is signed (or there is no signer).
    double nextCheckpointIn() const;
    // Signs, in a transaction of their own, the heads that are due (all of
    // them when all is set: the store is closing).
    bool checkpointDue(bool all, std::string &error);

    using Result = InsertResult;
    Result insertEvent(const AuditEvent &e, std::string &error);
    Result upsertSession(const SessionRecord &s, std::string &error);
    bool endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                    double endedAt, std::string &error);
    bool insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error);
    // changed is false when the approval does not exist or is not pending.
    bool resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                         const std::string &resolver, std::optional<std::uint32_t> resolverUid, bool &changed,
                         std::string &error);
    bool expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error);
    bool expireSessionApprovals(const std::string &sessionId, double at, const std::string &note, std::int64_t &count,
                                std::string &error);

private:
    // The chain value the session's next event links to (auditchain.h).
    struct Head
    {
        std::string chain;
        std::int64_t seq = 0;
    };
    bool chainHead(const std::string &sessionId, Head &head, std::string &error);
    // Seconds on the monotonic clock: when heads are due does not move with
    // the wall clock (a checkpoint's ts is wall-clock time).
    static double steadyNow();
    // Inside the transaction: the checkpoints due at now (steadyNow());
    // their sessions in signedNow.
    bool writeCheckpoints(double now, std::set<std::string> &signedNow, std::string &error);

    std::unique_ptr<WriterBackend> m_backend;
    // Each session's last committed chain value, and those of the batch in
    // progress (moved into m_heads at commit, dropped at rollback).
    static constexpr std::size_t kMaxHeads = 4096;
    std::map<std::string, Head> m_heads;
    std::map<std::string, Head> m_pendingHeads;
    // Checkpoints: committed heads not signed yet (since when), the
    // sessions ended in this transaction, and a pause after a failed
    // checkpoint transaction.
    struct Unsigned
    {
        Head head;
        double since = 0; // committed unsigned since then (steadyNow())
    };
    std::shared_ptr<const CheckpointKey> m_signer;
    double m_interval = 1.0;
    std::map<std::string, Unsigned> m_unsigned;
    std::set<std::string> m_ending;
    bool m_signAll = false;
    double m_holdUntil = 0;
    // Per-batch event counts by (session, decision), written at commit:
    // one upsert per pair instead of one per event.
    std::map<std::pair<std::string, std::string>, std::int64_t> m_counts;
};

} // namespace osh::audit
