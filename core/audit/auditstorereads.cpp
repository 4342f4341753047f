// AuditStore's reads: thin forwards to the reader connection, kept apart
// from the write path (auditstore.cpp).

#include "auditreader.h"
#include "auditstore.h"

namespace osh {

bool AuditStore::query(const AuditQuery &q, const std::function<bool(const AuditEvent &)> &visit,
                       std::string &error) const
{
    return m_reader->query(q, visit, error);
}

std::vector<AuditEvent> AuditStore::query(const AuditQuery &q, std::string *error) const
{
    std::vector<AuditEvent> out;
    std::string err;
    if (!m_reader->query(q, [&](const AuditEvent &e) { out.push_back(e); return true; }, err) && error)
        *error = err;
    return out;
}

namespace {

// Runs a reader call that fills a list; the list, with *error set on failure.
template <typename T, typename Read>
std::vector<T> readList(std::string *error, Read &&read)
{
    std::vector<T> out;
    std::string err;
    if (!read(out, err) && error)
        *error = err;
    return out;
}

} // namespace

std::vector<SessionSummary> AuditStore::sessions(std::string *error) const
{
    return readList<SessionSummary>(error, [&](auto &out, auto &err) { return m_reader->sessions(std::nullopt, out, err); });
}

std::vector<SessionSummary> AuditStore::sessionsOwnedBy(std::uint32_t ownerUid, std::string *error) const
{
    return readList<SessionSummary>(error, [&](auto &out, auto &err) { return m_reader->sessions(ownerUid, out, err); });
}

bool AuditStore::scanSession(const std::string &sessionId, unsigned columns,
                             const std::function<bool(const AuditRowView &)> &visit, std::string &error) const
{
    return m_reader->scanSession(sessionId, columns, visit, error);
}

std::optional<AuditEvent> AuditStore::event(const std::string &sessionId, std::int64_t seq, std::string *error) const
{
    AuditEvent e;
    bool found = false;
    std::string err;
    if (!m_reader->event(sessionId, seq, e, found, err)) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    if (!found)
        return std::nullopt;
    return e;
}

std::vector<std::int64_t> AuditStore::searchSession(const std::string &sessionId, const std::string &text,
                                                    std::string *error) const
{
    std::vector<std::int64_t> out;
    std::string err;
    if (!m_reader->searchText(sessionId, text, out, err)) {
        out.clear();
        if (error)
            *error = err;
    }
    return out;
}

std::optional<ApprovalRecord> AuditStore::approval(std::int64_t id, std::string *error) const
{
    ApprovalRecord a;
    bool found = false;
    std::string err;
    if (!m_reader->approval(id, a, found, err)) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    if (!found)
        return std::nullopt;
    return a;
}

std::vector<ApprovalRecord> AuditStore::pendingApprovals(std::string *error) const
{
    return readList<ApprovalRecord>(
        error, [&](auto &out, auto &err) { return m_reader->approvals(ApprovalStatus::Pending, std::nullopt, out, err); });
}

std::vector<ApprovalRecord> AuditStore::approvals(std::string *error) const
{
    return readList<ApprovalRecord>(
        error, [&](auto &out, auto &err) { return m_reader->approvals(std::nullopt, std::nullopt, out, err); });
}

std::vector<ApprovalRecord> AuditStore::pendingApprovalsOwnedBy(std::uint32_t ownerUid, std::string *error) const
{
    return readList<ApprovalRecord>(
        error, [&](auto &out, auto &err) { return m_reader->approvals(ApprovalStatus::Pending, ownerUid, out, err); });
}

std::vector<ApprovalRecord> AuditStore::approvalsOwnedBy(std::uint32_t ownerUid, std::string *error) const
{
    return readList<ApprovalRecord>(
        error, [&](auto &out, auto &err) { return m_reader->approvals(std::nullopt, ownerUid, out, err); });
}

std::optional<std::uint32_t> AuditStore::approvalOwner(std::int64_t id, std::string *error) const
{
    std::optional<std::uint32_t> owner;
    std::string err;
    if (!m_reader->approvalOwner(id, owner, err)) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    return owner;
}

std::optional<std::string> AuditStore::sessionHost(const std::string &sessionId, std::string *error) const
{
    std::optional<std::string> host;
    std::string err;
    if (!m_reader->sessionHost(sessionId, host, err)) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    return host;
}

bool AuditStore::checkIntegrity(std::string &report) const
{
    return m_reader->integrityCheck(report);
}

} // namespace osh
