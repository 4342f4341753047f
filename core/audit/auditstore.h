#pragma once
// The audit store: every session, audited event and held escalation of the
// runtime, in one SQLite database (WAL mode, synchronous=NORMAL), or in a
// PostgreSQL database shared by several runtime hosts.
//
// Writes are queued and performed by one worker thread with its own
// connection, one transaction per batch (whatever is queued, up to
// kMaxBatch items), in queue order. Reads use a second connection and may
// come from any thread; they see every transaction committed before they
// start, including other processes' (the runtime polls approval() while
// `osctl approvals approve` resolves it).
//
// Durability contract. append() only queues: an event is *acknowledged* once
// the transaction holding it has committed, which the caller learns from
// flush() returning true (every event queued before the call is committed)
// or from appendAcked()'s callback. An acknowledged event survives the
// process being killed at any point, SIGKILL included: COMMIT returns after
// the WAL write, which the OS keeps once the process is gone. It does not
// survive an OS crash or power loss between checkpoints (synchronous=NORMAL
// trades that for throughput; the WAL is fsynced at each checkpoint).
// Events that are queued but not acknowledged may be lost by a kill.
//
// Failures are never silent and never drop an event quietly: a failed
// commit (full disk, I/O error, database locked beyond the busy timeout) is
// rolled back, reported to the error handler and lastError(), and retried
// with a growing back-off until it succeeds; the events stay queued and
// unacknowledged meanwhile, and append() blocks once kMaxQueued items wait
// (back-pressure, so the runtime stops rather than audits nothing). The
// only events that can end up unstored are those the database refuses
// (a session+seq already stored) and, when the store is destroyed while
// commits keep failing, what is still queued; both are reported.

#include "approval.h"
#include "auditevent.h"
#include "auditlimits.h"
#include "auditquery.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace osh {

namespace audit {
class AuditReader;
class AuditWriter;
} // namespace audit

class AuditStore
{
public:
    static constexpr std::size_t kMaxBatch = 4096;
    static constexpr std::size_t kMaxQueued = 200000;

    struct Options
    {
        bool create = true; // create the file (and its folders) when missing
        // How long a write or read waits for another connection's lock (the
        // runtime's writer, an `osctl approvals approve`) before it fails.
        int busyTimeoutMs = 10000;
        // Larger parameters, trace, request, message and tool fields (and
        // the same of approvals) are stored truncated, with their size and
        // SHA-256 (audit/auditlimits.h); 0: no cap.
        std::size_t maxFieldBytes = audit::AuditLimits::kDefaultMaxFieldBytes;
        // The Ed25519 key (its seed file, created when missing; its public
        // half written beside it as .pub) that signs checkpoints of every
        // session's hash chain (audit/auditcheckpoint.h): a session's head at
        // most checkpointSeconds after it was committed, and at its end.
        // Empty: no checkpoints.
        std::string signingKey;
        double checkpointSeconds = 1.0;
        // Set: a signing key that cannot be loaded or made leaves the store
        // unsigned (signingProblem() says why) instead of failing the open.
        // For a user's own runs; the service's key is never optional.
        bool signingOptional = false;
        // A PostgreSQL store shared by several hosts: the name this host's
        // sessions and approvals are recorded under; empty: gethostname().
        std::string host;
        // A PostgreSQL store: this store alone writes the host's events
        // (openshelld, whose forwarders read them by id and rely on their
        // ids committing in order). Opening fails while another writer uses
        // the host name, and no other writer writes events under it while
        // this store is open (their batches fail and are retried).
        bool soleWriter = false;
    };

    // Opens or creates the store at path: an SQLite file, or a PostgreSQL
    // database when path is a postgresql:// (or postgres://) connection
    // string (pgschema.h; its password in ~/.pgpass, never in the string).

    // nullptr with a message on failure (a corrupt or foreign file, a newer
    // schema, no permission, no server). Never throws.
    static std::unique_ptr<AuditStore> open(const std::string &path, std::string &error);
    static std::unique_ptr<AuditStore> open(const std::string &path, const Options &options, std::string &error);
    // $OPENSHELL_STORE, else $XDG_DATA_HOME/openshell/audit.db, XDG_DATA_HOME
    // defaulting to ~/.local/share.
    static std::string defaultPath();
    // The folder for a user's own files that go with the store at
    // storePath (signing key, run folders, snapshots): the file's folder;
    // for a PostgreSQL store, $XDG_DATA_HOME/openshell (never a folder made
    // of the connection string).
    static std::string dataDirFor(const std::string &storePath);
    // The store's name as it may be shown in messages and logs: a
    // connection string without any password in it, a path as it is.
    static std::string displayName(const std::string &storePath);
    // Where a writer of the store at storePath keeps its signing key:
    // dataDirFor()'s audit-signing.key.
    static std::string signingKeyBeside(const std::string &storePath);
    // The options of a user's own runs (osctl run and demo, the studio):
    // checkpoints signed with the key beside the store when it can be had.
    static Options userWriterOptions(const std::string &storePath);

    // Commits everything still queued, then closes.
    ~AuditStore();
    AuditStore(const AuditStore &) = delete;
    AuditStore &operator=(const AuditStore &) = delete;

    const std::string &path() const { return m_path; }
    // The host this store's sessions are recorded under in a store several
    // hosts share (Options::host or the host name); empty for a file.
    const std::string &host() const { return m_host; }
    // The public key of Options::signingKey (64 hex digits); empty without.
    const std::string &signingPublicKey() const { return m_signingPublicKey; }
    // Why an optional signing key was not used; empty when it was.
    const std::string &signingProblem() const { return m_signingProblem; }

    // --- writes (thread-safe; queued in call order) ---

    // Queues an event, its fields capped (Options::maxFieldBytes). A seq of 0 is assigned (the session's next, counting
    // what is stored and queued), a ts of 0 becomes now. Returns the seq.
    // Not yet acknowledged: see flush().
    std::int64_t append(AuditEvent e);
    // Same, and calls onDurable(seq) on the worker thread once the event's
    // transaction has committed (never for an event that was not stored).
    // onDurable must be quick and must not call back into the store.
    std::int64_t appendAcked(AuditEvent e, std::function<void(std::int64_t seq)> onDurable);
    // Blocks until everything queued before the call has been written.
    // True when all of it committed; false on timeout (timeoutMs >= 0) or
    // when some of it was refused or given up (see lastError()).
    bool flush(int timeoutMs = -1);

    // Insert or replace the session's record (a resumed session updates it).
    void beginSession(SessionRecord s);
    // endedAt 0 = now. A session that was never begun is left alone. The
    // session's approvals still pending are expired with it ("the session
    // ended"): nobody is left to release the held actions.
    void endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                    double endedAt = 0);

    // Synchronous: return after the transaction committed (which also
    // commits every event queued before). createdAt 0 = now. Fields are
    // capped as an event's.
    std::optional<std::int64_t> addApproval(ApprovalRecord a, std::string *error = nullptr);
    // Approves or denies a pending approval; false when it does not exist, is
    // not pending, or the write failed (then *error says why).
    bool resolveApproval(std::int64_t id, bool approved, const std::string &note, const std::string &resolver,
                         std::string *error = nullptr);
    // Same, recording the resolver's uid (approvals.resolver_uid), as a
    // service that knows its caller's uid does. (Spell uid 0 as 0u: a plain
    // literal 0 could also be the error pointer, and does not compile.)
    bool resolveApproval(std::int64_t id, bool approved, const std::string &note, const std::string &resolver,
                         std::uint32_t resolverUid, std::string *error = nullptr);
    // Marks one pending approval as expired, with note; false as resolveApproval.
    bool expireApproval(std::int64_t id, const std::string &note, std::string *error = nullptr);
    // Marks pending approvals created before olderThan as expired; returns
    // how many, or -1 on failure.
    std::int64_t expireApprovals(double olderThan, std::string *error = nullptr);
    // Marks the session's pending approvals as expired, with note as their
    // note (e.g. "the session ended"); returns how many, or -1 on failure.
    std::int64_t expireSessionApprovals(const std::string &sessionId, const std::string &note,
                                        std::string *error = nullptr);

    // --- health ---

    // Called on the worker thread for every failed commit and refused event.
    void setErrorHandler(std::function<void(const std::string &message)> handler);
    std::string lastError() const;
    std::uint64_t failedCommits() const { return m_failedCommits.load(); }
    std::size_t queued() const;

    // --- reads (thread-safe) ---

    // Streams matching events to visit (until it returns false). visit must
    // not use the store. False on a read error (*error set).
    bool query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit, std::string &error) const;
    std::vector<AuditEvent> query(const AuditQuery &q, std::string *error = nullptr) const;
    // Every session, oldest first, with its event counts.
    std::vector<SessionSummary> sessions(std::string *error = nullptr) const;
    // Only the sessions begun with this owner (SessionRecord::ownerUid), same
    // order; sessions without a recorded owner (and events whose session was
    // never begun) are not listed.
    std::vector<SessionSummary> sessionsOwnedBy(std::uint32_t ownerUid, std::string *error = nullptr) const;
    // Streams one session's events in seq order with one statement, without
    // building AuditEvents (replay loads a million events this way).
    // columns: AuditColumns flags. visit must not use the store.
    bool scanSession(const std::string &sessionId, unsigned columns,
                     const std::function<bool(const AuditRowView &)> &visit, std::string &error) const;
    // One whole event; nullopt when not stored (*error empty) or on a read error.
    std::optional<AuditEvent> event(const std::string &sessionId, std::int64_t seq,
                                    std::string *error = nullptr) const;
    // Seqs of the session's events whose message or parameters contain text
    // (ASCII case-insensitive), in seq order; empty with *error on failure.
    std::vector<std::int64_t> searchSession(const std::string &sessionId, const std::string &text,
                                            std::string *error = nullptr) const;
    std::optional<ApprovalRecord> approval(std::int64_t id, std::string *error = nullptr) const;
    std::vector<ApprovalRecord> pendingApprovals(std::string *error = nullptr) const;
    std::vector<ApprovalRecord> approvals(std::string *error = nullptr) const; // every status
    // The same, only for approvals of sessions begun with this owner.
    std::vector<ApprovalRecord> pendingApprovalsOwnedBy(std::uint32_t ownerUid, std::string *error = nullptr) const;
    std::vector<ApprovalRecord> approvalsOwnedBy(std::uint32_t ownerUid, std::string *error = nullptr) const;
    // The owner (SessionRecord::ownerUid) of the session approval id was
    // held in, with one lookup by key: an approval is among
    // approvalsOwnedBy(uid) exactly when this is uid. nullopt when there is
    // no such approval, its session was never begun or has no recorded
    // owner, or on a read error (*error set).
    std::optional<std::uint32_t> approvalOwner(std::int64_t id, std::string *error = nullptr) const;
    // The host that ran a session (SessionRecord::host), with one lookup by
    // key: empty in an SQLite store (one host's); nullopt when the session
    // was never begun, or on a read error (*error set).
    std::optional<std::string> sessionHost(const std::string &sessionId, std::string *error = nullptr) const;
    // PRAGMA integrity_check; true when the file is sound, report says why not.
    bool checkIntegrity(std::string &report) const;

    static double now();

private:
    struct Task;
    struct Item;

    AuditStore() = default;
    using TaskFn = std::function<bool(audit::AuditWriter &, Task &, std::string &error)>;

    std::int64_t enqueue(AuditEvent &&e, std::function<void(std::int64_t)> onDurable);
    // Moves a pending approval to status, synchronously (resolveApproval,
    // expireApproval).
    bool finishApproval(std::int64_t id, ApprovalStatus status, const std::string &note, const std::string &resolver,
                        std::optional<std::uint32_t> resolverUid, std::string *error);
    void push(Item &&item, std::unique_lock<std::mutex> &lock);
    // Queues a write that is not an event. With wait, blocks until it was
    // committed or given up (after a few failed commits) and returns it.
    std::shared_ptr<Task> runTask(TaskFn fn, bool wait);
    void workerLoop();
    bool writeBatch(std::vector<Item> &batch, std::vector<std::string> &refusals, std::string &error);
    // Gives up what remains when closing while commits keep failing.
    void abandon(std::vector<Item> &batch, const std::string &error);
    void report(const std::string &message);

    std::string m_path;
    std::string m_host;
    std::string m_signingPublicKey;
    std::string m_signingProblem;
    audit::AuditLimits m_limits;
    std::unique_ptr<audit::AuditWriter> m_writer;
    std::unique_ptr<audit::AuditReader> m_reader;

    mutable std::mutex m_mutex; // guards everything below except the atomics
    std::condition_variable m_wake;  // the worker: work or stop
    std::condition_variable m_done;  // flush/tasks: progress
    std::condition_variable m_space; // append: room in the queue
    std::deque<Item> m_queue;
    std::uint64_t m_nextTicket = 1;
    std::uint64_t m_doneTicket = 0;       // every item up to here was written or given up
    std::set<std::uint64_t> m_lostTickets; // refused or given up, until a flush reports them
    std::unordered_map<std::string, std::int64_t> m_nextSeq;
    std::function<void(const std::string &)> m_errorHandler;
    std::string m_lastError;
    bool m_stop = false;
    std::atomic<std::uint64_t> m_failedCommits{0};
    std::thread m_worker;
};

} // namespace osh
