#pragma once
// A table over one list of the policy document (policies, network rules,
// filesystem rules): one row per item, one column per key. Reads come from
// the current text; every change (a cell edit, an added or removed item, a
// row dragged to a new place) becomes a minimal text edit applied to the
// policy text, so the text stays the single source of truth. Rows carry the
// validator's diagnostics that fall inside the item's source.

#include "visualstate.h"

#include <QAbstractTableModel>
#include <QStringList>

namespace osh::ui {

class SequenceModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    // How a column's text is written back.
    enum class Kind { Text, Plain, TextList, PlainList };
    struct Column
    {
        QString key;
        QString header;
        Kind kind = Kind::Text;
        QString defaultText; // shown (greyed) when the key is absent
    };

    enum Roles {
        KeyRole = Qt::UserRole + 1, // QString: the column's key
        WrittenRole,                // bool: the key is present in the text
        DiagnosticsRole,            // QString: the row's diagnostics, one per line
        SeverityRole,               // int: worst osh::Severity of the row, -1 when none
        SourceBeginRole,            // qulonglong: byte offset where the item starts
        SourceEndRole,              // qulonglong: byte offset just after the item
    };

    static inline const QString kMimeType = QStringLiteral("application/x-openshell-item-row");

    SequenceModel(edit::Path sequencePath, std::vector<Column> columns, QObject *parent = nullptr);

    const edit::Path &sequencePath() const { return m_path; }
    void setApplier(EditApplier applier) { m_apply = std::move(applier); }
    void setState(std::shared_ptr<const VisualState> state);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QHash<int, QByteArray> roleNames() const override;

    // Reordering: one row at a time, the text's item moves with its comments.
    bool moveRows(const QModelIndex &sourceParent, int sourceRow, int count, const QModelIndex &destinationParent,
                  int destinationChild) override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    Qt::DropActions supportedDragActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override { return {kMimeType}; }
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

    // Adds an item with fields before row (rowCount(): at the end).
    bool insertItem(int row, const std::vector<edit::Field> &fields);
    bool removeItem(int row);

private:
    struct Row
    {
        QStringList values;
        std::vector<bool> written;
        std::vector<Diagnostic> diagnostics;
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    std::vector<Row> buildRows() const;
    edit::Path itemPath(int row) const;

    edit::Path m_path;
    std::vector<Column> m_columns;
    std::shared_ptr<const VisualState> m_state;
    std::vector<Row> m_rows;
    EditApplier m_apply;
    bool m_structural = false; // inside a begin/end pair: refresh silently
};

} // namespace osh::ui
