#include "auditwriter.h"

#include "auditchain.h"
#include "auditstore.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace osh::audit {

AuditWriter::AuditWriter(std::unique_ptr<WriterBackend> backend)
    : m_backend(std::move(backend))
{ }

void AuditWriter::setSigner(std::shared_ptr<const CheckpointKey> key, double intervalSeconds)
{
    m_signer = std::move(key);
    m_interval = intervalSeconds;
}

bool AuditWriter::begin(std::string &error)
{
    m_counts.clear();
    m_pendingHeads.clear();
    m_ending.clear();
    return m_backend->begin(error);
}

bool AuditWriter::commit(std::string &error)
{
    for (const auto &[key, n] : m_counts) {
        if (!m_backend->addCount(key.first, key.second, n, error))
            return false;
    }
    m_counts.clear();
    const double now = steadyNow();
    std::set<std::string> signedNow;
    if (m_signer && !writeCheckpoints(now, signedNow, error))
        return false;
    if (!m_backend->commit(error))
        return false;
    // Only committed chain heads are remembered: a rolled back batch is
    // written again from the heads before it.
    for (const auto &session : signedNow)
        m_unsigned.erase(session);
    for (auto &[session, head] : m_pendingHeads) {
        if (m_signer && !signedNow.count(session)) {
            const auto [it, fresh] = m_unsigned.try_emplace(session, Unsigned{head, now});
            if (!fresh)
                it->second.head = head;
        }
        if (m_heads.size() >= kMaxHeads && !m_heads.count(session))
            m_heads.clear(); // read back from the store when needed
        m_heads[session] = std::move(head);
    }
    m_pendingHeads.clear();
    m_ending.clear();
    m_signAll = false;
    return true;
}

double AuditWriter::steadyNow()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

bool AuditWriter::writeCheckpoints(double now, std::set<std::string> &signedNow, std::string &error)
{
    const double signedAt = AuditStore::now();
    auto due = [&](const std::string &session) {
        if (m_signAll || m_ending.count(session) || m_unsigned.size() >= kMaxHeads)
            return true;
        // (a millisecond early is on time: the store's worker wakes when due)
        const auto it = m_unsigned.find(session);
        return it != m_unsigned.end() && now - it->second.since >= m_interval - 1e-3;
    };
    auto sign = [&](const std::string &session, const Head &head) {
        Checkpoint c;
        c.sessionId = session;
        c.seq = head.seq;
        c.chain = head.chain;
        c.ts = signedAt;
        if (!m_signer->sign(c)) {
            error = "signing the checkpoint of session " + session + " failed";
            return false;
        }
        if (!m_backend->insertCheckpoint(c, error))
            return false;
        signedNow.insert(session);
        return true;
    };
    for (const auto &[session, head] : m_pendingHeads)
        if (due(session) && !sign(session, head))
            return false;
    for (const auto &[session, u] : m_unsigned)
        if (!m_pendingHeads.count(session) && due(session) && !sign(session, u.head))
            return false;
    return true;
}

double AuditWriter::nextCheckpointIn() const
{
    if (!m_signer || m_unsigned.empty())
        return -1;
    const double now = steadyNow();
    double earliest = std::numeric_limits<double>::max();
    for (const auto &[session, u] : m_unsigned)
        earliest = std::min(earliest, u.since + m_interval);
    return std::max({0.0, earliest - now, m_holdUntil - now});
}

bool AuditWriter::checkpointDue(bool all, std::string &error)
{
    if (!m_signer || m_unsigned.empty())
        return true;
    if (!begin(error)) {
        m_holdUntil = steadyNow() + m_interval;
        return false;
    }
    m_signAll = all;
    if (!commit(error)) {
        rollback();
        m_holdUntil = steadyNow() + m_interval;
        return false;
    }
    return true;
}

bool AuditWriter::chainHead(const std::string &sessionId, Head &head, std::string &error)
{
    if (const auto it = m_pendingHeads.find(sessionId); it != m_pendingHeads.end()) {
        head = it->second;
        return true;
    }
    if (const auto it = m_heads.find(sessionId); it != m_heads.end()) {
        head = it->second;
        return true;
    }
    // Another writer may have stored events of this session (two processes
    // on one store): the last stored event is the head; none, or only events
    // stored before chains existed, start the chain afresh.
    head = {};
    bool found = false;
    if (!m_backend->lastChain(sessionId, head.chain, head.seq, found, error))
        return false;
    if (!found || head.chain.empty())
        head.chain = chainStart(sessionId);
    return true;
}

void AuditWriter::rollback()
{
    m_counts.clear();
    m_pendingHeads.clear();
    m_ending.clear();
    m_signAll = false;
    m_backend->rollback();
}

AuditWriter::Result AuditWriter::insertEvent(const AuditEvent &e, std::string &error)
{
    Head previous;
    if (!chainHead(e.sessionId, previous, error))
        return Result::Failed;
    std::string chain = chainNext(previous.chain, e);
    if (chain.empty()) {
        error = "computing the hash chain value of event " + e.sessionId + "#" + std::to_string(e.seq) + " failed";
        return Result::Failed;
    }
    const Result r = m_backend->insertEvent(e, chain, error);
    if (r == Result::Ok)
        ++m_counts[{e.sessionId, e.decision.empty() ? std::string("none") : e.decision}];
    if (r == Result::Ok || r == Result::Stored)
        m_pendingHeads[e.sessionId] = {std::move(chain), e.seq};
    return r;
}

AuditWriter::Result AuditWriter::upsertSession(const SessionRecord &s, std::string &error)
{
    return m_backend->upsertSession(s, error);
}

bool AuditWriter::endSession(const std::string &id, std::optional<int> exitStatus, const std::string &exitReason,
                             double endedAt, std::string &error)
{
    if (!m_backend->endSession(id, exitStatus, exitReason, endedAt, error))
        return false;
    m_ending.insert(id); // its head is signed at this commit
    return true;
}

bool AuditWriter::insertApproval(const ApprovalRecord &a, std::int64_t &id, std::string &error)
{
    return m_backend->insertApproval(a, id, error);
}

bool AuditWriter::resolveApproval(std::int64_t id, ApprovalStatus status, double at, const std::string &note,
                                  const std::string &resolver, std::optional<std::uint32_t> resolverUid,
                                  bool &changed, std::string &error)
{
    return m_backend->resolveApproval(id, status, at, note, resolver, resolverUid, changed, error);
}

bool AuditWriter::expireApprovals(double olderThan, double at, std::int64_t &count, std::string &error)
{
    return m_backend->expireApprovals(olderThan, at, count, error);
}

bool AuditWriter::expireSessionApprovals(const std::string &sessionId, double at, const std::string &note,
                                         std::int64_t &count, std::string &error)
{
    return m_backend->expireSessionApprovals(sessionId, at, note, count, error);
}

} // namespace osh::audit
