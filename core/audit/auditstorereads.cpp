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

std::vector<SessionSummary> AuditStore::sessions(std::string *error) const
{
    std::vector<SessionSummary> out;
    std::string err;
    if (!m_reader->sessions(out, err) && error)
        *error = err;
    return out;
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
    std::vector<ApprovalRecord> out;
    std::string err;
    if (!m_reader->approvals(ApprovalStatus::Pending, out, err) && error)
        *error = err;
    return out;
}

std::vector<ApprovalRecord> AuditStore::approvals(std::string *error) const
{
    std::vector<ApprovalRecord> out;
    std::string err;
    if (!m_reader->approvals(std::nullopt, out, err) && error)
        *error = err;
    return out;
}

bool AuditStore::checkIntegrity(std::string &report) const
{
    return m_reader->integrityCheck(report);
}

} // namespace osh
