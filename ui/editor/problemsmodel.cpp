#include "editor/problemsmodel.h"

#include <QIcon>

namespace osh::ui {

void ProblemsModel::setDiagnostics(Diagnostics diagnostics)
{
    beginResetModel();
    m_diags = std::move(diagnostics);
    endResetModel();
}

int ProblemsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_diags.size());
}

QVariant ProblemsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Diagnostic &d = m_diags[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1:%2  [%3] %4")
            .arg(d.begin.line)
            .arg(d.begin.column)
            .arg(QString::fromStdString(d.code), QString::fromStdString(d.message));
    case Qt::ToolTipRole:
        return d.suggestion.empty() ? QString::fromStdString(d.message)
                                    : tr("%1\nSuggestion: %2").arg(QString::fromStdString(d.message),
                                                                   QString::fromStdString(d.suggestion));
    case Qt::DecorationRole:
        switch (d.severity) {
        case Severity::Error: return QIcon::fromTheme(QStringLiteral("dialog-error"));
        case Severity::Warning: return QIcon::fromTheme(QStringLiteral("dialog-warning"));
        case Severity::Info: return QIcon::fromTheme(QStringLiteral("dialog-information"));
        }
        return {};
    case SeverityRole: return static_cast<int>(d.severity);
    case CodeRole: return QString::fromStdString(d.code);
    case LineRole: return d.begin.line;
    case ColumnRole: return d.begin.column;
    case SuggestionRole: return QString::fromStdString(d.suggestion);
    default: return {};
    }
}

} // namespace osh::ui
