#include "mapmodel.h"

#include <QApplication>
#include <QIcon>
#include <QStyle>

namespace osh::ui {

MapModel::MapModel(edit::Path mapPath, QString keyHeader, QString valueHeader, QObject *parent)
    : QAbstractTableModel(parent), m_path(std::move(mapPath)), m_headers{std::move(keyHeader), std::move(valueHeader)}
{
}

std::vector<MapModel::Row> MapModel::buildRows() const
{
    std::vector<Row> rows;
    if (!m_state || !m_state->text.ok())
        return rows;
    const auto entries = m_state->text.mapAt(m_path);
    if (!entries)
        return rows;
    for (const auto &[k, v] : *entries) {
        auto p = m_path;
        p.emplace_back(k);
        rows.push_back({QString::fromStdString(k), QString::fromStdString(v), m_state->within(p)});
    }
    return rows;
}

void MapModel::setState(std::shared_ptr<const VisualState> state)
{
    m_state = std::move(state);
    if (m_state && !m_state->text.ok())
        return;
    auto rows = buildRows();
    if (m_structural) {
        m_rows = std::move(rows);
        return;
    }
    if (rows.size() != m_rows.size()) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 1));
}

int MapModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int MapModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : 2; }

QVariant MapModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return index.column() == 0 ? r.key : r.value;
    case Qt::ToolTipRole:
    case DiagnosticsRole:
        return r.diagnostics.empty() ? QVariant() : describeDiagnostics(r.diagnostics);
    case Qt::DecorationRole:
        if (index.column() != 0 || r.diagnostics.empty())
            return {};
        return QApplication::style()->standardIcon(worstSeverity(r.diagnostics) == Severity::Error
                                                       ? QStyle::SP_MessageBoxCritical
                                                       : QStyle::SP_MessageBoxWarning);
    case SeverityRole:
        return r.diagnostics.empty() ? -1 : static_cast<int>(worstSeverity(r.diagnostics));
    default:
        return {};
    }
}

QVariant MapModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal || section < 0 || section > 1)
        return {};
    return m_headers[section];
}

Qt::ItemFlags MapModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool MapModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !m_state || !m_apply
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const Row &r = m_rows[static_cast<std::size_t>(index.row())];
    const QString text = value.toString().trimmed();
    auto p = m_path;
    p.emplace_back(r.key.toStdString());
    if (index.column() == 0)
        return text == r.key || m_apply(m_state->text.renameKey(p, text.toStdString()));
    if (text == r.value)
        return true;
    return m_apply(m_state->text.setValue(p, edit::Value::string(text.toStdString())));
}

bool MapModel::applyStructural(const edit::EditResult &result)
{
    if (!result.ok() || !m_apply) {
        if (m_apply)
            m_apply(result);
        return false;
    }
    beginResetModel();
    m_structural = true;
    const bool applied = m_apply(result);
    m_structural = false;
    m_rows = buildRows();
    endResetModel();
    return applied;
}

bool MapModel::addEntry(const QString &key, const QString &value)
{
    if (!m_state || key.trimmed().isEmpty())
        return false;
    auto p = m_path;
    p.emplace_back(key.trimmed().toStdString());
    if (m_state->text.scalarAt(p))
        return false; // already there: edit its value instead
    return applyStructural(m_state->text.setValue(p, edit::Value::string(value.toStdString())));
}

bool MapModel::removeEntry(int row)
{
    if (!m_state || row < 0 || row >= rowCount())
        return false;
    auto p = m_path;
    p.emplace_back(m_rows[static_cast<std::size_t>(row)].key.toStdString());
    return applyStructural(m_state->text.removeKey(p));
}

} // namespace osh::ui
