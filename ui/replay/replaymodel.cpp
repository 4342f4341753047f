#include "replaymodel.h"

#include "timelinelanes.h"

#include "audit/audittime.h"
#include "trace/decisiontint.h"
#include "util/qtext.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <bit>
#include <numeric>

namespace osh::ui {

using replay::Outcome;

namespace {

// The tint of the outcome's decision, as in the launcher's event stream.
QVariant outcomeTint(Outcome o)
{
    if (const auto c = decisionTint(replay::outcomeName(o)))
        return QBrush(*c);
    return {};
}

} // namespace

void ReplayModel::setSession(const replay::ReplaySession *session)
{
    beginResetModel();
    if (session != m_session)
        m_replayed.clear();
    m_session = session;
    m_filter = {};
    m_filtered = false;
    m_messages.clear();
    m_rows.clear();
    if (session) {
        m_rows.resize(session->size());
        std::iota(m_rows.begin(), m_rows.end(), 0u);
    }
    endResetModel();
}

bool ReplayModel::setFilter(const replay::ReplayFilter &f, QString *error)
{
    if (!m_session)
        return true;
    std::string err;
    std::vector<std::uint32_t> rows = m_session->filter(f, &err);
    beginResetModel();
    m_filter = f;
    m_filtered = true;
    m_rows = std::move(rows);
    endResetModel();
    if (!err.empty()) {
        if (error)
            *error = QString::fromStdString(err);
        return false;
    }
    return true;
}

void ReplayModel::setWhatIf(const replay::WhatIfResult *result)
{
    m_replayed.clear();
    if (result && m_session) {
        m_replayed.resize(m_session->size());
        for (const auto &a : result->actions)
            if (const auto row = m_session->rowOfSeq(a.seq))
                m_replayed[*row] = static_cast<std::uint8_t>(1 + static_cast<int>(a.approximation));
    }
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

std::optional<replay::Approximation> ReplayModel::approximation(std::uint32_t sessionRow) const
{
    if (sessionRow >= m_replayed.size() || m_replayed[sessionRow] == 0)
        return std::nullopt;
    return static_cast<replay::Approximation>(m_replayed[sessionRow] - 1);
}

QString ReplayModel::approximationText(replay::Approximation a)
{
    switch (a) {
    case replay::Approximation::Exact: break;
    case replay::Approximation::FromParameters:
        return tr("Approximate: no request was recorded with this action, so what-if rebuilt it from its recorded "
                  "parameters.");
    case replay::Approximation::FromRedactedParameters:
        return tr("Approximate: no request was recorded with this action, so what-if rebuilt it from its recorded "
                  "parameters, their redacted values replaced by stand-ins of the same type; conditions on those "
                  "values may decide differently.");
    case replay::Approximation::InspectedHttp:
        return tr("Approximate: an inspected HTTP request, of which the audit keeps the text redacted, the "
                  "credentials hidden and only the first 16 KiB of the body.");
    }
    return {};
}

int ReplayModel::rowOfSessionRow(std::int64_t sessionRow) const
{
    if (sessionRow < 0)
        return -1;
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), static_cast<std::uint32_t>(sessionRow));
    if (it == m_rows.end() || *it != static_cast<std::uint32_t>(sessionRow))
        return -1;
    return static_cast<int>(it - m_rows.begin());
}

int ReplayModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ReplayModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ReplayModel::message(std::uint32_t sessionRow) const
{
    if (const QString *cached = m_messages.object(sessionRow))
        return *cached;
    const auto event = m_session->details(sessionRow);
    QString text = event ? QString::fromStdString(event->message) : QString();
    m_messages.insert(sessionRow, new QString(text));
    return text;
}

QVariant ReplayModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_session)
        return {};
    const std::uint32_t r = m_rows[static_cast<std::size_t>(index.row())];
    const auto &s = *m_session;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn:
            return QVariant::fromValue<qint64>(s.seq(r));
        case TimeColumn:
            return QString::fromStdString(audit::formatIsoUtc(s.ts(r)));
        case LaneColumn: {
            const std::uint32_t mask = laneMask(s.type(r), {}, Outcome::None);
            return laneName(static_cast<TimelineLane>(std::countr_zero(mask)));
        }
        case ToolColumn:
            return qs(s.tool(r));
        case DecisionColumn: {
            const QString decision = qs(replay::outcomeName(s.outcome(r)));
            const auto a = approximation(r);
            return a && *a != replay::Approximation::Exact ? decision + QStringLiteral(" ≈") : decision;
        }
        case PolicyColumn:
            return qs(s.policy(r));
        case SeverityColumn:
            return qs(replay::severityName(s.severity(r)));
        case MessageColumn:
            return message(r);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == LaneColumn)
            return qs(s.type(r));
        if (const auto a = approximation(r); index.column() == DecisionColumn && a)
            return approximationText(*a);
        return {};
    case Qt::BackgroundRole:
        return outcomeTint(s.outcome(r));
    case Qt::ForegroundRole:
        return outcomeTint(s.outcome(r)).isValid() ? QVariant(QBrush(Qt::black)) : QVariant();
    case SessionRowRole:
        return QVariant::fromValue<qint64>(r);
    case SeqRole:
        return QVariant::fromValue<qint64>(s.seq(r));
    case TimestampRole:
        return s.ts(r);
    case TypeRole:
        return qs(s.type(r));
    case ToolRole:
        return qs(s.tool(r));
    case OutcomeRole:
        return static_cast<int>(s.outcome(r));
    case DecisionRole:
        return qs(replay::outcomeName(s.outcome(r)));
    case PolicyRole:
        return qs(s.policy(r));
    case SeverityRole:
        return qs(replay::severityName(s.severity(r)));
    case ViolationRole:
        return replay::ReplaySession::isViolation(s.outcome(r), s.severity(r));
    case MessageRole:
        return message(r);
    case ApproximationRole:
        if (const auto a = approximation(r))
            return approximationText(*a);
        return QString();
    default:
        return {};
    }
}

QVariant ReplayModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn:
        return tr("Seq");
    case TimeColumn:
        return tr("Time (UTC)");
    case LaneColumn:
        return tr("Lane");
    case ToolColumn:
        return tr("Tool");
    case DecisionColumn:
        return tr("Decision");
    case PolicyColumn:
        return tr("Policy");
    case SeverityColumn:
        return tr("Severity");
    case MessageColumn:
        return tr("Message");
    }
    return {};
}

QHash<int, QByteArray> ReplayModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(SessionRowRole, "sessionRow");
    names.insert(SeqRole, "seq");
    names.insert(TimestampRole, "timestamp");
    names.insert(TypeRole, "type");
    names.insert(ToolRole, "tool");
    names.insert(OutcomeRole, "outcome");
    names.insert(DecisionRole, "decision");
    names.insert(PolicyRole, "policy");
    names.insert(SeverityRole, "severity");
    names.insert(ViolationRole, "violation");
    names.insert(MessageRole, "message");
    names.insert(ApproximationRole, "approximation");
    return names;
}

} // namespace osh::ui
