// HistoryModel: commits of a policy file as table rows.
#include "historymodel.h"

#include <QFont>
#include <QLocale>

namespace osh::ui {

HistoryModel::HistoryModel(QObject *parent) : QAbstractTableModel(parent) { }

void HistoryModel::setCommits(const QList<vcs::CommitInfo> &commits, bool workingRow)
{
    beginResetModel();
    m_commits = commits;
    m_workingRow = workingRow;
    endResetModel();
}

void HistoryModel::clear()
{
    setCommits({}, false);
}

const vcs::CommitInfo *HistoryModel::commitAt(int row) const
{
    const int i = row - (m_workingRow ? 1 : 0);
    if (i < 0 || i >= m_commits.size())
        return nullptr;
    return &m_commits.at(i);
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_commits.size()) + (m_workingRow ? 1 : 0);
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const bool working = m_workingRow && index.row() == 0;
    const vcs::CommitInfo *c = commitAt(index.row());
    switch (role) {
    case CommitIdRole: return c ? c->id : QString();
    case WorkingFileRole: return working;
    case DeployedRole: return c && !c->deployedTags.isEmpty();
    case DeployedTagsRole: return c ? c->deployedTags : QStringList();
    case TimeRole: return c ? c->time : QDateTime();
    case FullMessageRole: return c ? c->message : QString();
    default: break;
    }
    if (working) {
        if (role == Qt::DisplayRole) {
            if (index.column() == CommitColumn)
                return tr("Working file");
            if (index.column() == MessageColumn)
                return tr("Uncommitted changes");
            return QString();
        }
        if (role == Qt::FontRole) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    }
    if (!c)
        return {};
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case CommitColumn: return c->shortId;
        case DeployedColumn: return c->deployedTags.isEmpty() ? QString() : tr("deployed");
        case DateColumn: return QLocale().toString(c->time.toLocalTime(), QLocale::ShortFormat);
        case AuthorColumn: return c->authorName;
        case MessageColumn: return c->summary;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == DeployedColumn && !c->deployedTags.isEmpty())
            return c->deployedTags.join(QLatin1Char('\n'));
        if (index.column() == AuthorColumn)
            return QStringLiteral("%1 <%2>").arg(c->authorName, c->authorEmail);
        if (index.column() == MessageColumn || index.column() == CommitColumn)
            return QString(c->id + QStringLiteral("\n\n") + c->message.trimmed());
        if (index.column() == DateColumn)
            return c->time.toString(Qt::ISODate);
    }
    if (role == Qt::FontRole && index.column() == DeployedColumn && !c->deployedTags.isEmpty()) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CommitColumn: return tr("Commit");
    case DeployedColumn: return tr("Deployed");
    case DateColumn: return tr("Date");
    case AuthorColumn: return tr("Author");
    case MessageColumn: return tr("Message");
    default: return {};
    }
}

} // namespace osh::ui
