#include "sequencemodel.h"

#include <QApplication>
#include <QBrush>
#include <QFont>
#include <QIcon>
#include <QMimeData>
#include <QPalette>
#include <QStyle>

namespace osh::ui {

namespace {

edit::Value valueOf(SequenceModel::Kind kind, const QString &text)
{
    using Kind = SequenceModel::Kind;
    if (kind == Kind::Text)
        return edit::Value::string(text.toStdString());
    if (kind == Kind::Plain)
        return edit::Value::plain(text.toStdString());
    std::vector<edit::Value> items;
    for (const auto &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto t = part.trimmed().toStdString();
        if (!t.empty())
            items.push_back(kind == Kind::PlainList ? edit::Value::plain(t) : edit::Value::string(t));
    }
    return edit::Value::list(std::move(items));
}

QIcon severityIcon(Severity s)
{
    const auto pixmap = s == Severity::Error     ? QStyle::SP_MessageBoxCritical
                        : s == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                 : QStyle::SP_MessageBoxInformation;
    return QApplication::style()->standardIcon(pixmap);
}

} // namespace

SequenceModel::SequenceModel(edit::Path sequencePath, std::vector<Column> columns, QObject *parent)
    : QAbstractTableModel(parent), m_path(std::move(sequencePath)), m_columns(std::move(columns))
{
}

edit::Path SequenceModel::itemPath(int row) const
{
    auto p = m_path;
    p.emplace_back(row);
    return p;
}

std::vector<SequenceModel::Row> SequenceModel::buildRows() const
{
    std::vector<Row> rows;
    if (!m_state || !m_state->text.ok())
        return rows;
    const int n = std::max(0, m_state->text.itemCount(m_path));
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        Row r;
        const auto item = itemPath(i);
        for (const auto &c : m_columns) {
            auto p = item;
            p.emplace_back(c.key.toStdString());
            QString text;
            bool written = false;
            if (const auto s = m_state->text.scalarAt(p)) {
                text = QString::fromStdString(*s);
                written = true;
            } else if (const auto l = m_state->text.listAt(p)) {
                QStringList parts;
                for (const auto &v : *l)
                    parts << QString::fromStdString(v);
                text = parts.join(QStringLiteral(", "));
                written = true;
            }
            r.values << text;
            r.written.push_back(written);
        }
        if (const auto range = m_state->text.rangeOf(item)) {
            r.begin = range->first;
            r.end = range->second;
        }
        r.diagnostics = m_state->within(item);
        rows.push_back(std::move(r));
    }
    return rows;
}

void SequenceModel::setState(std::shared_ptr<const VisualState> state)
{
    m_state = std::move(state);
    if (m_state && !m_state->text.ok())
        return; // keep showing the last good rows; the editor says why
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
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int SequenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SequenceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
}

QVariant SequenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[static_cast<std::size_t>(index.row())];
    const auto col = static_cast<std::size_t>(index.column());
    const Column &c = m_columns[col];
    switch (role) {
    case Qt::DisplayRole:
        return r.written[col] ? r.values[index.column()] : c.defaultText;
    case Qt::EditRole:
        return r.values[index.column()];
    case Qt::ForegroundRole:
        if (!r.written[col])
            return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::FontRole:
        if (!r.written[col]) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == 0 && !r.diagnostics.empty())
            return severityIcon(worstSeverity(r.diagnostics));
        return {};
    case Qt::ToolTipRole:
        if (!r.diagnostics.empty())
            return describeDiagnostics(r.diagnostics);
        return r.written[col] ? QVariant() : tr("Not written: the default (%1) applies").arg(c.defaultText);
    case KeyRole:
        return c.key;
    case WrittenRole:
        return bool(r.written[col]);
    case DiagnosticsRole:
        return describeDiagnostics(r.diagnostics);
    case SeverityRole:
        return r.diagnostics.empty() ? -1 : static_cast<int>(worstSeverity(r.diagnostics));
    case SourceBeginRole:
        return qulonglong(r.begin);
    case SourceEndRole:
        return qulonglong(r.end);
    default:
        return {};
    }
}

QVariant SequenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || section < 0)
        return {};
    if (orientation == Qt::Horizontal)
        return section < columnCount() ? m_columns[static_cast<std::size_t>(section)].header : QVariant();
    return section < rowCount() ? QVariant(section + 1) : QVariant();
}

Qt::ItemFlags SequenceModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemIsDragEnabled;
}

QHash<int, QByteArray> SequenceModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(KeyRole, "key");
    names.insert(WrittenRole, "written");
    names.insert(DiagnosticsRole, "diagnostics");
    names.insert(SeverityRole, "severity");
    names.insert(SourceBeginRole, "sourceBegin");
    names.insert(SourceEndRole, "sourceEnd");
    return names;
}

bool SequenceModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !m_state || !m_apply
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const QString text = value.toString().trimmed();
    const auto col = static_cast<std::size_t>(index.column());
    const Row &r = m_rows[static_cast<std::size_t>(index.row())];
    if (text == r.values[index.column()] && (r.written[col] || text.isEmpty()))
        return true;
    auto p = itemPath(index.row());
    p.emplace_back(m_columns[col].key.toStdString());
    const Kind kind = m_columns[col].kind;
    edit::EditResult result;
    if (text.isEmpty())
        result = m_state->text.removeKey(p);
    else
        result = m_state->text.setValue(p, valueOf(kind, text));
    if (!result.ok() && kind == Kind::Plain) // not a plain token: write it as text, the validator explains
        result = m_state->text.setValue(p, edit::Value::string(text.toStdString()));
    return m_apply(result);
}

bool SequenceModel::moveRows(const QModelIndex &sourceParent, int sourceRow, int count,
                             const QModelIndex &destinationParent, int destinationChild)
{
    if (sourceParent.isValid() || destinationParent.isValid() || count != 1 || !m_state || !m_apply)
        return false;
    if (sourceRow < 0 || sourceRow >= rowCount() || destinationChild < 0 || destinationChild > rowCount())
        return false;
    const int to = destinationChild > sourceRow ? destinationChild - 1 : destinationChild;
    if (to == sourceRow)
        return false;
    const auto result = m_state->text.moveItem(m_path, sourceRow, to);
    if (!result.ok() || result.edit.isNoOp()) {
        m_apply(result); // reports the reason
        return false;
    }
    if (!beginMoveRows(QModelIndex(), sourceRow, sourceRow, QModelIndex(), destinationChild))
        return false;
    m_structural = true;
    const bool applied = m_apply(result);
    m_structural = false;
    if (!applied) { // the text did not change: the rows move back in the model only
        auto moved = m_rows[static_cast<std::size_t>(sourceRow)];
        m_rows.erase(m_rows.begin() + sourceRow);
        m_rows.insert(m_rows.begin() + to, std::move(moved));
    }
    endMoveRows();
    if (!applied) { // and the model returns to the text's order
        beginResetModel();
        m_rows = buildRows();
        endResetModel();
    }
    return applied;
}

QMimeData *SequenceModel::mimeData(const QModelIndexList &indexes) const
{
    if (indexes.isEmpty() || !indexes.front().isValid())
        return nullptr;
    auto *data = new QMimeData;
    data->setData(kMimeType, QByteArray::number(indexes.front().row()));
    return data;
}

bool SequenceModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                 const QModelIndex &parent)
{
    Q_UNUSED(column);
    if (action == Qt::IgnoreAction)
        return true;
    if (!data || action != Qt::MoveAction || !data->hasFormat(kMimeType))
        return false;
    bool ok = false;
    const int source = data->data(kMimeType).toInt(&ok);
    if (!ok)
        return false;
    int dest = row;
    if (dest < 0)
        dest = parent.isValid() ? parent.row() : rowCount();
    return moveRows(QModelIndex(), source, 1, QModelIndex(), dest);
}

bool SequenceModel::insertItem(int row, const std::vector<edit::Field> &fields)
{
    if (!m_state || !m_apply || row < 0 || row > rowCount())
        return false;
    const auto result = m_state->text.insertItem(m_path, row, fields);
    if (!result.ok()) {
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

bool SequenceModel::removeItem(int row)
{
    if (!m_state || !m_apply || row < 0 || row >= rowCount())
        return false;
    const auto result = m_state->text.removeItem(m_path, row);
    if (!result.ok()) {
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

} // namespace osh::ui
