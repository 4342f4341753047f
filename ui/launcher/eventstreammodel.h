#pragma once
// The launcher's live event stream: one row per audited event of the
// running session, coloured by decision, capped so a chatty agent cannot
// grow the studio without bound (the audit store keeps everything).

#include "audit/auditevent.h"

#include <QAbstractTableModel>

#include <deque>

namespace osh::ui {

class EventStreamModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { SeqColumn, TimeColumn, TypeColumn, ToolColumn, DecisionColumn, PolicyColumn, MessageColumn, ColumnCount };
    enum Role {
        SeqRole = Qt::UserRole + 1, // qint64
        TimestampRole,              // double, seconds since the epoch
        TypeRole,
        ToolRole,
        DecisionRole,
        PolicyRole,
        MessageRole,
        SeverityRole,
        LayerRole,
        ParametersRole, // JSON text, PII redacted
        TraceRole,      // the decision's JSON
        SessionRole,
    };
    Q_ENUM(Role)

    static constexpr int kDefaultMaxRows = 100000;

    using QAbstractTableModel::QAbstractTableModel;

    // Oldest rows are dropped beyond this (in chunks, so a full model does
    // not pay a removal for every new event).
    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }
    void append(const AuditEvent &event);
    void clear();
    const AuditEvent &event(int row) const { return m_events.at(static_cast<std::size_t>(row)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void trim(int keep);

    std::deque<AuditEvent> m_events;
    int m_maxRows = kDefaultMaxRows;
};

} // namespace osh::ui
