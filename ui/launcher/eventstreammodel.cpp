#include "launcher/eventstreammodel.h"

#include "trace/decisiontint.h"
#include "util/qtext.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

#include <algorithm>
#include <optional>

namespace osh::ui {

void EventStreamModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    if (rowCount() > m_maxRows)
        trim(m_maxRows);
}

void EventStreamModel::trim(int keep)
{
    const int drop = rowCount() - keep;
    if (drop <= 0)
        return;
    beginRemoveRows({}, 0, drop - 1);
    m_events.erase(m_events.begin(), m_events.begin() + drop);
    endRemoveRows();
}

void EventStreamModel::append(const AuditEvent &event)
{
    if (rowCount() >= m_maxRows)
        trim(m_maxRows - std::max(1, m_maxRows / 10));
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_events.push_back(event);
    endInsertRows();
}

void EventStreamModel::clear()
{
    beginResetModel();
    m_events.clear();
    endResetModel();
}

int EventStreamModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int EventStreamModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EventStreamModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEvent &e = event(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn:
            return QVariant::fromValue<qint64>(e.seq);
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(qint64(e.ts * 1000)).toString(QStringLiteral("HH:mm:ss.zzz"));
        case TypeColumn:
            return qs(e.type);
        case ToolColumn:
            return qs(e.tool);
        case DecisionColumn:
            return qs(e.decision);
        case PolicyColumn:
            return qs(e.policy);
        case MessageColumn:
            return qs(e.message);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn || index.column() == ToolColumn)
            return e.parameters.empty() ? qs(e.message) : qs(e.message) + u'\n' + qs(e.parameters);
        return {};
    case Qt::BackgroundRole:
        if (const auto c = decisionTint(e.decision))
            return QBrush(*c);
        return {};
    case Qt::ForegroundRole:
        if (decisionTint(e.decision))
            return QBrush(Qt::black);
        return {};
    case SeqRole:
        return QVariant::fromValue<qint64>(e.seq);
    case TimestampRole:
        return e.ts;
    case TypeRole:
        return qs(e.type);
    case ToolRole:
        return qs(e.tool);
    case DecisionRole:
        return qs(e.decision);
    case PolicyRole:
        return qs(e.policy);
    case MessageRole:
        return qs(e.message);
    case SeverityRole:
        return qs(e.severity);
    case LayerRole:
        return qs(e.layer);
    case ParametersRole:
        return qs(e.parameters);
    case TraceRole:
        return qs(e.trace);
    case SessionRole:
        return qs(e.sessionId);
    }
    return {};
}

QVariant EventStreamModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn:
        return tr("Seq");
    case TimeColumn:
        return tr("Time");
    case TypeColumn:
        return tr("Type");
    case ToolColumn:
        return tr("Tool");
    case DecisionColumn:
        return tr("Decision");
    case PolicyColumn:
        return tr("Policy");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

QHash<int, QByteArray> EventStreamModel::roleNames() const
{
    QHash<int, QByteArray> r = QAbstractTableModel::roleNames();
    r.insert(SeqRole, "seq");
    r.insert(TimestampRole, "timestamp");
    r.insert(TypeRole, "type");
    r.insert(ToolRole, "tool");
    r.insert(DecisionRole, "decision");
    r.insert(PolicyRole, "policy");
    r.insert(MessageRole, "message");
    r.insert(SeverityRole, "severity");
    r.insert(LayerRole, "layer");
    r.insert(ParametersRole, "parameters");
    r.insert(TraceRole, "trace");
    r.insert(SessionRole, "session");
    return r;
}

} // namespace osh::ui
