#pragma once
// A two-column table (name, value) over one string-to-string mapping of the
// policy document, e.g. `sandbox.environment` or `network.hosts`. Like
// SequenceModel it reads the current text and turns every change (a value,
// a renamed key, an added or removed entry) into a minimal text edit.

#include "visualstate.h"

#include <QAbstractTableModel>

namespace osh::ui {

class MapModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Roles {
        DiagnosticsRole = Qt::UserRole + 1, // QString: the entry's diagnostics, one per line
        SeverityRole,                       // int: worst osh::Severity of the entry, -1 when none
    };

    MapModel(edit::Path mapPath, QString keyHeader, QString valueHeader, QObject *parent = nullptr);

    void setApplier(EditApplier applier) { m_apply = std::move(applier); }
    void setState(std::shared_ptr<const VisualState> state);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    bool addEntry(const QString &key, const QString &value);
    bool removeEntry(int row);

private:
    struct Row
    {
        QString key;
        QString value;
        std::vector<Diagnostic> diagnostics;
    };
    std::vector<Row> buildRows() const;
    bool applyStructural(const edit::EditResult &result);

    edit::Path m_path;
    QString m_headers[2];
    std::shared_ptr<const VisualState> m_state;
    std::vector<Row> m_rows;
    EditApplier m_apply;
    bool m_structural = false;
};

} // namespace osh::ui
