#include "approvals/approvalsmodel.h"

#include "util/qtext.h"

#include <algorithm>
#include <unordered_set>

namespace osh::ui {

void ApprovalsModel::setApprovals(std::vector<ApprovalRecord> pending, double now, records::RealParametersById real)
{
    m_now = now;
    m_real = std::move(real);
    std::sort(pending.begin(), pending.end(), [](const ApprovalRecord &a, const ApprovalRecord &b) { return a.id < b.id; });
    std::unordered_set<std::int64_t> still;
    for (const auto &a : pending)
        still.insert(a.id);
    // Remove resolved ones from the bottom up so row numbers stay valid.
    for (int row = rowCount() - 1; row >= 0; --row) {
        if (still.count(m_rows[static_cast<std::size_t>(row)].id))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.erase(m_rows.begin() + row);
        endRemoveRows();
    }
    // Ids only grow, so new approvals go in order; an older id arriving late
    // (another store writer) is inserted where it belongs.
    for (auto &a : pending) {
        auto at = std::lower_bound(m_rows.begin(), m_rows.end(), a.id,
                                   [](const ApprovalRecord &r, std::int64_t id) { return r.id < id; });
        if (at != m_rows.end() && at->id == a.id)
            continue;
        const int row = int(at - m_rows.begin());
        beginInsertRows({}, row, row);
        m_rows.insert(at, std::move(a));
        endInsertRows();
    }
    if (rowCount() > 0) {
        Q_EMIT dataChanged(index(0, AgeColumn), index(rowCount() - 1, AgeColumn), {Qt::DisplayRole, AgeRole});
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {RealParametersRole, RealStatusRole, HeldByRole});
    }
}

records::RealParameters ApprovalsModel::realParameters(int row) const
{
    const auto it = m_real.find(record(row).id);
    return it == m_real.end() ? records::RealParameters{} : it->second;
}

int ApprovalsModel::rowOf(qint64 id) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return int(i);
    return -1;
}

int ApprovalsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

int ApprovalsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ApprovalsModel::formatAge(double seconds)
{
    const qint64 s = std::max<qint64>(0, qint64(seconds));
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QVariant ApprovalsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApprovalRecord &a = record(index.row());
    const double age = std::max(0.0, m_now - a.createdAt);
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case IdColumn:
            return QVariant::fromValue<qint64>(a.id);
        case AgeColumn:
            return formatAge(age);
        case SessionColumn:
            return qs(a.sessionId);
        case ToolColumn:
            return qs(a.tool);
        case QueueColumn:
            return qs(a.queue);
        case PolicyColumn:
            return qs(a.policy);
        case MessageColumn:
            return qs(a.message);
        case ParametersColumn:
            return qs(a.parameters);
        }
        return {};
    }
    switch (role) {
    case IdRole:
        return QVariant::fromValue<qint64>(a.id);
    case AgeRole:
        return age;
    case SessionRole:
        return qs(a.sessionId);
    case ToolRole:
        return qs(a.tool);
    case QueueRole:
        return qs(a.queue);
    case PolicyRole:
        return qs(a.policy);
    case MessageRole:
        return qs(a.message);
    case ParametersRole:
        return qs(a.parameters);
    case RequestRole:
        return qs(a.request);
    case DecisionRole:
        return qs(a.decision);
    case CreatedAtRole:
        return a.createdAt;
    case RealParametersRole:
        return qs(realParameters(index.row()).json);
    case RealStatusRole:
        return int(realParameters(index.row()).status);
    case HeldByRole:
        return qs(realParameters(index.row()).heldBy);
    }
    return {};
}

QVariant ApprovalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return tr("Id");
    case AgeColumn:
        return tr("Age");
    case SessionColumn:
        return tr("Session");
    case ToolColumn:
        return tr("Tool");
    case QueueColumn:
        return tr("Queue");
    case PolicyColumn:
        return tr("Policy");
    case MessageColumn:
        return tr("Message");
    case ParametersColumn:
        return tr("Parameters (redacted)");
    }
    return {};
}

QHash<int, QByteArray> ApprovalsModel::roleNames() const
{
    QHash<int, QByteArray> r = QAbstractTableModel::roleNames();
    r.insert(IdRole, "id");
    r.insert(AgeRole, "age");
    r.insert(SessionRole, "session");
    r.insert(ToolRole, "tool");
    r.insert(QueueRole, "queue");
    r.insert(PolicyRole, "policy");
    r.insert(MessageRole, "message");
    r.insert(ParametersRole, "parameters");
    r.insert(RequestRole, "request");
    r.insert(DecisionRole, "decision");
    r.insert(CreatedAtRole, "createdAt");
    r.insert(RealParametersRole, "realParameters");
    r.insert(RealStatusRole, "realStatus");
    r.insert(HeldByRole, "heldBy");
    return r;
}

} // namespace osh::ui
