#pragma once
// The Problems list: diagnostics of the open policy, one row each, with
// typed roles for the view and for jumping to the spot.

#include "util/diagnostic.h"

#include <QAbstractListModel>

namespace osh::ui {

class ProblemsModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { SeverityRole = Qt::UserRole + 1, CodeRole, LineRole, ColumnRole, SuggestionRole };

    using QAbstractListModel::QAbstractListModel;

    void setDiagnostics(Diagnostics diagnostics);
    const Diagnostics &diagnostics() const { return m_diags; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    Diagnostics m_diags;
};

} // namespace osh::ui
