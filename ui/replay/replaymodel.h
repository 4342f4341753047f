#pragma once
// The replay page's event table: one row per event of a loaded session
// that passes the filter (by tool, outcome, severity, text), columns seq,
// time, lane, tool, decision, policy, severity, message. The filter is a
// vector of session rows (a million rows filter in milliseconds, which a
// QSortFilterProxyModel would not); the message comes from the store one
// row at a time, cached, only for rows a view actually shows. After a
// what-if, an action replayed only approximately is marked "≈" in the
// decision column, with why in its tooltip.

#include "replay/replaysession.h"
#include "replay/whatif.h"

#include <QAbstractTableModel>
#include <QCache>

#include <cstdint>
#include <optional>
#include <vector>

namespace osh::ui {

class ReplayModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        SeqColumn,
        TimeColumn,
        LaneColumn,
        ToolColumn,
        DecisionColumn,
        PolicyColumn,
        SeverityColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role {
        SessionRowRole = Qt::UserRole + 1, // qint64: the row in the ReplaySession
        SeqRole,                           // qint64
        TimestampRole,                     // double, seconds since the epoch
        TypeRole,                          // QString
        ToolRole,
        OutcomeRole,  // int (replay::Outcome)
        DecisionRole, // QString ("" when none)
        PolicyRole,
        SeverityRole, // QString
        ViolationRole, // bool
        MessageRole,
        ApproximationRole, // QString: why its what-if replay is approximate; empty when exact
    };
    Q_ENUM(Role)

    using QAbstractTableModel::QAbstractTableModel;

    // Not owned; must outlive the model (or be replaced first). Clears the
    // filter, and the what-if marks when it is another session.
    void setSession(const replay::ReplaySession *session);
    // Marks the actions a what-if replayed approximately (nullptr: none).
    // Only read here, not kept.
    void setWhatIf(const replay::WhatIfResult *result);
    // How the what-if replayed a session row; nullopt when it did not.
    std::optional<replay::Approximation> approximation(std::uint32_t sessionRow) const;
    static QString approximationText(replay::Approximation a);
    const replay::ReplaySession *session() const { return m_session; }
    // Keeps the rows matching f; false with *error when a text filter could
    // not read the store (the model then shows nothing).
    bool setFilter(const replay::ReplayFilter &f, QString *error = nullptr);
    const replay::ReplayFilter &filter() const { return m_filter; }
    bool isFiltered() const { return m_filtered; }
    // The kept session rows, ascending.
    const std::vector<std::uint32_t> &sessionRows() const { return m_rows; }
    // The model row showing a session row, or -1 when filtered out.
    int rowOfSessionRow(std::int64_t sessionRow) const;
    std::uint32_t sessionRow(int row) const { return m_rows[static_cast<std::size_t>(row)]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QString message(std::uint32_t sessionRow) const;

    const replay::ReplaySession *m_session = nullptr;
    replay::ReplayFilter m_filter;
    bool m_filtered = false;
    std::vector<std::uint32_t> m_rows;
    mutable QCache<std::uint32_t, QString> m_messages{2000};
    // Per session row: 0 when not replayed, else 1 + replay::Approximation.
    std::vector<std::uint8_t> m_replayed;
};

} // namespace osh::ui
