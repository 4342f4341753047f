#include "trace/tracemodel.h"

#include "trace/piifindingtext.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>
#include <QJsonDocument>

namespace osh::ui {

namespace {

// Top-level rows have internal id 0; a child's id is its parent's row + 1.
constexpr quintptr kTopLevel = 0;

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

void TraceModel::clear()
{
    beginResetModel();
    m_steps.clear();
    endResetModel();
}

void TraceModel::setDecision(const Decision &decision, const Request *request)
{
    beginResetModel();
    m_steps.clear();
    for (const auto &t : decision.trace) {
        if (t.skipped > 0 || t.skippedByIndex) {
            // One row per run of skipped policies with the same variable.
            const QString var = qs(varInfo(t.because).name);
            Step *group = m_steps.empty() ? nullptr : &m_steps.back();
            if (!group || group->kind != SkippedRow || group->layer != var || t.skipped > 0) {
                Step s;
                s.kind = SkippedRow;
                s.layer = var;
                s.detail = request ? tr("%1 is %2, none of their keys")
                                         .arg(var, QString::fromStdString(request->get(t.because).toJson()))
                                   : tr("%1 matches none of their keys").arg(var);
                m_steps.push_back(std::move(s));
                group = &m_steps.back();
            }
            if (t.skipped > 0) {
                group->skipped += static_cast<int>(t.skipped);
            } else {
                ++group->skipped;
                group->children.push_back({SkippedPolicyRow, qs(t.policy), tr("skipped by index"), {}, {}});
            }
            continue;
        }
        Step s;
        s.kind = t.isPolicy ? PolicyRow : LayerRow;
        s.layer = qs(layerName(t.layer));
        s.policy = qs(t.policy);
        s.matched = t.matched;
        s.allowed = t.allowed;
        s.rule = t.rule;
        s.detail = QString::fromStdString(t.detail);
        if (t.isPolicy) {
            for (const auto &r : decision.readsOf(t)) {
                if (!r.pii) {
                    s.children.push_back({ReadRow, qs(r.path), QString::fromStdString(r.value.toJson()), {}, {}});
                    continue;
                }
                const QJsonArray findings
                    = QJsonDocument::fromJson(QByteArray::fromStdString(r.value.toJson())).array();
                for (const auto f : findings) {
                    const PiiFindingText words = PiiFindingWords::of(f.toObject());
                    s.children.push_back({PiiRow, words.what, words.why,
                        tr("Found by %1: %2").arg(qs(r.path), words.why),
                        QString::fromUtf8(QJsonDocument(f.toObject()).toJson(QJsonDocument::Compact))});
                }
            }
            if (t.hasError()) {
                s.children.push_back({ErrorRow, tr("error"), s.detail, {}, {}});
                s.children.push_back(
                    {FailClosedRow, tr("fail_closed"), t.failClosed ? tr("true") : tr("false"), {}, {}});
            }
        }
        m_steps.push_back(std::move(s));
    }
    endResetModel();
}

QModelIndex TraceModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevel);
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex TraceModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kTopLevel);
}

int TraceModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_steps.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    return static_cast<int>(m_steps[static_cast<std::size_t>(parent.row())].children.size());
}

int TraceModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant TraceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == StepColumn ? tr("Step") : section == ResultColumn ? tr("Result") : QVariant();
}

QVariant TraceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kTopLevel)
        return stepData(m_steps[static_cast<std::size_t>(index.row())], index.column(), role);
    const auto &step = m_steps[static_cast<std::size_t>(index.internalId() - 1)];
    return childData(step.children[static_cast<std::size_t>(index.row())], index.column(), role);
}

QVariant TraceModel::stepData(const Step &s, int column, int role) const
{
    if (s.kind == SkippedRow) {
        switch (role) {
        case Qt::DisplayRole:
            return column == StepColumn ? tr("%1 policies skipped by index (%2)").arg(s.skipped).arg(s.layer)
                                        : s.detail;
        case Qt::ForegroundRole: return QBrush(QColor(0x70, 0x70, 0x70));
        case Qt::ToolTipRole:
            return tr("Their conditions need %1 to be one of their keys, so they cannot match this request and were "
                      "not evaluated.")
                .arg(s.layer);
        case KindRole: return static_cast<int>(s.kind);
        case LayerRole: return QStringLiteral("policy");
        case PathRole: return s.layer;
        default: return {};
        }
    }
    const bool policy = s.kind == PolicyRow;
    switch (role) {
    case Qt::DisplayRole:
        if (column == StepColumn)
            return policy ? tr("policy %1").arg(s.policy) : s.layer;
        if (policy)
            return s.matched ? tr("matched") : tr("not matched");
        {
            QString text = s.allowed ? tr("allow") : tr("block");
            if (s.rule >= 0)
                text += tr(" (rule %1)").arg(s.rule);
            if (!s.detail.isEmpty())
                text += QStringLiteral(": ") + s.detail;
            return text;
        }
    case Qt::ForegroundRole:
        if (column == ResultColumn && ((policy && s.matched) || (!policy && !s.allowed)))
            return QBrush(QColor(0xb0, 0x30, 0x20));
        return {};
    case Qt::ToolTipRole: return s.detail.isEmpty() ? QVariant() : QVariant(s.detail);
    case KindRole: return static_cast<int>(s.kind);
    case LayerRole: return s.layer;
    case PolicyRole: return policy ? QVariant(s.policy) : QVariant();
    case MatchedRole: return policy ? QVariant(s.matched) : QVariant();
    case AllowedRole: return policy ? QVariant() : QVariant(s.allowed);
    case RuleRole: return policy ? QVariant() : QVariant(s.rule);
    default: return {};
    }
}

QVariant TraceModel::childData(const Child &c, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole: return column == StepColumn ? c.label : c.value;
    case Qt::ToolTipRole: return c.tip.isEmpty() ? c.value : c.tip;
    case Qt::ForegroundRole:
        return c.kind == PiiRow && column == StepColumn ? QVariant(QBrush(QColor(0xb0, 0x30, 0x20))) : QVariant();
    case KindRole: return static_cast<int>(c.kind);
    case PathRole: return c.kind == ReadRow ? QVariant(c.label) : QVariant();
    case ValueRole: return c.kind == PiiRow ? c.json : c.value;
    default: return {};
    }
}

} // namespace osh::ui
