#pragma once
// Pending approvals of the audit store, one row each. Refreshing merges by
// id (rows of still-pending approvals stay put), so a selection survives the
// panel's polling.

#include "audit/approval.h"
#include "service/servicerecords.h"

#include <QAbstractTableModel>

#include <vector>

namespace osh::ui {

class ApprovalsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { IdColumn, AgeColumn, SessionColumn, ToolColumn, QueueColumn, PolicyColumn, MessageColumn, ParametersColumn, ColumnCount };
    enum Role {
        IdRole = Qt::UserRole + 1, // qint64
        AgeRole,                   // double, seconds since the approval was created
        SessionRole,
        ToolRole,
        QueueRole,
        PolicyRole,
        MessageRole,
        ParametersRole, // JSON text, PII redacted
        RequestRole,    // the full request JSON
        DecisionRole,   // the decision JSON
        CreatedAtRole,  // double, seconds since the epoch
        // The held action's real parameters (JSON text) when this approver
        // may see them; empty otherwise (RealStatusRole says why).
        RealParametersRole,
        RealStatusRole, // int, records::RealParameters::Status
        HeldByRole,     // the host holding the real parameters, when known
    };
    Q_ENUM(Role)

    using QAbstractTableModel::QAbstractTableModel;

    // now: the time ages are measured against (seconds since the epoch).
    // real: what is known of their real parameters, by id (none: unavailable).
    void setApprovals(std::vector<ApprovalRecord> pending, double now, records::RealParametersById real = {});
    records::RealParameters realParameters(int row) const;
    const ApprovalRecord &record(int row) const { return m_rows.at(static_cast<std::size_t>(row)); }
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    static QString formatAge(double seconds);

private:
    std::vector<ApprovalRecord> m_rows; // ascending id
    records::RealParametersById m_real;
    double m_now = 0;
};

} // namespace osh::ui
