#pragma once
// The commits of one policy file for the History panel, newest first, with
// an optional first row for the working file when it has uncommitted (or
// unsaved) changes. Columns: commit, deployed tags, date, author, message.

#include "vcs/policyrepository.h"

#include <QAbstractTableModel>

namespace osh::ui {

class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { CommitColumn, DeployedColumn, DateColumn, AuthorColumn, MessageColumn, ColumnCount };
    enum Role {
        CommitIdRole = Qt::UserRole + 1, // full id; empty for the working file row
        WorkingFileRole,                 // bool: the working file row
        DeployedRole,                    // bool: the commit has a deployed/* tag
        DeployedTagsRole,                // QStringList
        TimeRole,                        // QDateTime
        FullMessageRole,                 // QString
    };

    explicit HistoryModel(QObject *parent = nullptr);

    // workingRow: show the working file first (it differs from HEAD or the editor has unsaved edits).
    void setCommits(const QList<vcs::CommitInfo> &commits, bool workingRow);
    void clear();

    const QList<vcs::CommitInfo> &commits() const { return m_commits; }
    bool hasWorkingRow() const { return m_workingRow; }
    // The commit of a row; nullptr for the working file row or an invalid row.
    const vcs::CommitInfo *commitAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<vcs::CommitInfo> m_commits;
    bool m_workingRow = false;
};

} // namespace osh::ui
