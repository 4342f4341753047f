#include "trace/tracemodel.h"

#include "trace/decisiontint.h"
#include "trace/piifindingtext.h"
#include "util/qtext.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QJsonObject>
#include <QJsonArray>
#include <QJsonDocument>

namespace osh::ui {

namespace {

// Top-level rows have internal id 0; a child's id is its parent's row + 1.
constexpr quintptr kTopLevel = 0;

} // namespace

void TraceModel::clear()
{
    beginResetModel();
    m_steps.clear();
    m_deciding = -1;
    m_outcome.clear();
    endResetModel();
}

void TraceModel::addSkipped(const QString &var, const QString &detail, int count, const QString &policy)
{
    // One row per run of skipped policies with the same variable.
    Step *group = m_steps.empty() ? nullptr : &m_steps.back();
    if (!group || group->kind != SkippedRow || group->layer != var || count > 0) {
        Step s;
        s.kind = SkippedRow;
        s.layer = var;
        s.detail = detail;
        m_steps.push_back(std::move(s));
        group = &m_steps.back();
    }
    if (count > 0) {
        group->skipped += count;
    } else {
        ++group->skipped;
        group->children.push_back({SkippedPolicyRow, policy, tr("skipped by index"), {}, {}});
    }
}

void TraceModel::addPiiFindings(Step &s, const QString &path, const QJsonArray &findings)
{
    for (const auto f : findings) {
        const PiiFindingText words = PiiFindingWords::of(f.toObject());
        s.children.push_back({PiiRow, words.what, words.why, tr("Found by %1: %2").arg(path, words.why),
                              QString::fromUtf8(QJsonDocument(f.toObject()).toJson(QJsonDocument::Compact))});
    }
}

void TraceModel::markDeciding(const QString &layer, const QString &policy)
{
    m_deciding = -1;
    for (std::size_t i = 0; i < m_steps.size() && m_deciding < 0; ++i) {
        const Step &s = m_steps[i];
        if (!policy.isEmpty() ? s.kind == PolicyRow && s.policy == policy && s.matched
                              : s.kind == LayerRow && s.layer == layer && !s.allowed)
            m_deciding = static_cast<int>(i);
    }
    // A decision whose policy the trace shows unmatched (an error that
    // failed closed) still names it.
    for (std::size_t i = 0; i < m_steps.size() && m_deciding < 0 && !policy.isEmpty(); ++i)
        if (m_steps[i].kind == PolicyRow && m_steps[i].policy == policy)
            m_deciding = static_cast<int>(i);
}

void TraceModel::setDecision(const Decision &decision, const Request *request)
{
    beginResetModel();
    m_steps.clear();
    for (const auto &t : decision.trace) {
        if (t.skipped > 0 || t.skippedByIndex) {
            const QString var = qs(varInfo(t.because).name);
            addSkipped(var,
                       request ? tr("%1 is %2, none of their keys")
                                     .arg(var, QString::fromStdString(request->get(t.because).toJson()))
                               : tr("%1 matches none of their keys").arg(var),
                       static_cast<int>(t.skipped), qs(t.policy));
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
                if (!r.pii)
                    s.children.push_back({ReadRow, qs(r.path), QString::fromStdString(r.value.toJson()), {}, {}});
                else
                    addPiiFindings(s, qs(r.path),
                                   QJsonDocument::fromJson(QByteArray::fromStdString(r.value.toJson())).array());
            }
            if (t.hasError()) {
                s.children.push_back({ErrorRow, tr("error"), s.detail, {}, {}});
                s.children.push_back(
                    {FailClosedRow, tr("fail_closed"), t.failClosed ? tr("true") : tr("false"), {}, {}});
            }
        }
        m_steps.push_back(std::move(s));
    }
    m_outcome = qs(actionName(decision.outcome));
    markDeciding(decision.layer == Layer::None ? QString() : qs(layerName(decision.layer)), qs(decision.policy));
    endResetModel();
}

bool TraceModel::setTraceJson(const QByteArray &json, const QString &layer, const QString &policy,
                              const QString &outcome)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    const QJsonObject decision = doc.object();
    const QJsonValue trace = doc.isArray() ? QJsonValue(doc.array()) : decision.value(QLatin1String("trace"));
    if (!trace.isArray()) {
        clear();
        return false;
    }
    beginResetModel();
    m_steps.clear();
    // A value as the engine writes it: compact JSON (a string quoted).
    auto jsonText = [](const QJsonValue &v) {
        const QByteArray a = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(a.mid(1, a.size() - 2));
    };
    auto text = [](const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toString(); };
    for (const auto v : trace.toArray()) {
        const QJsonObject t = v.toObject();
        if (t.contains(QLatin1String("skipped"))) {
            const QString var = text(t, "because");
            addSkipped(var, tr("%1 matches none of their keys").arg(var),
                       std::max(1, t.value(QLatin1String("skipped")).toInt()), {});
            continue;
        }
        if (t.contains(QLatin1String("skipped_by_index"))) {
            const QString var = text(t, "skipped_by_index");
            addSkipped(var, tr("%1 matches none of their keys").arg(var), 0, text(t, "policy"));
            continue;
        }
        Step s;
        s.layer = text(t, "layer");
        if (t.contains(QLatin1String("policy"))) {
            s.kind = PolicyRow;
            s.policy = text(t, "policy");
            s.matched = t.value(QLatin1String("matched")).toBool();
            s.detail = text(t, "error");
            const QJsonObject reads = t.value(QLatin1String("reads")).toObject();
            for (auto it = reads.begin(); it != reads.end(); ++it)
                s.children.push_back({ReadRow, it.key(), jsonText(it.value()), {}, {}});
            const QJsonObject pii = t.value(QLatin1String("pii")).toObject();
            for (auto it = pii.begin(); it != pii.end(); ++it)
                addPiiFindings(s, it.key(), it.value().toArray());
            if (t.contains(QLatin1String("error"))) {
                s.children.push_back({ErrorRow, tr("error"), s.detail, {}, {}});
                s.children.push_back({FailClosedRow, tr("fail_closed"),
                                      t.value(QLatin1String("fail_closed")).toBool() ? tr("true") : tr("false"), {}, {}});
            }
        } else {
            s.kind = LayerRow;
            s.allowed = text(t, "verdict") != QLatin1String("block");
            s.rule = t.value(QLatin1String("rule")).toInt(-1);
            s.detail = text(t, "reason");
        }
        m_steps.push_back(std::move(s));
    }
    m_outcome = !outcome.isEmpty() ? outcome
        : decision.contains(QLatin1String("decision")) ? text(decision, "decision")
                                                        : text(decision, "outcome");
    markDeciding(layer.isEmpty() ? text(decision, "layer") : layer, policy.isEmpty() ? text(decision, "policy") : policy);
    endResetModel();
    return true;
}

QModelIndex TraceModel::decidingIndex() const
{
    return m_deciding < 0 ? QModelIndex() : index(m_deciding, StepColumn);
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
    if (index.internalId() == kTopLevel) {
        const auto &step = m_steps[static_cast<std::size_t>(index.row())];
        if (index.row() == m_deciding) {
            if (QVariant v = decidingData(step, index.column(), role); v.isValid())
                return v;
        }
        if (role == DecidingRole)
            return index.row() == m_deciding;
        return stepData(step, index.column(), role);
    }
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

// The deciding step stands out: bold, on the outcome's tint (as in the
// replay table), with a tooltip that says so.
QVariant TraceModel::decidingData(const Step &s, int, int role) const
{
    switch (role) {
    case Qt::FontRole: {
        QFont f;
        f.setBold(true);
        return f;
    }
    case Qt::BackgroundRole:
        return QBrush(decisionTint(m_outcome.toStdString()).value_or(QColor(0xff, 0xf1, 0xb8)));
    case Qt::ForegroundRole: return QBrush(Qt::black);
    case Qt::ToolTipRole: {
        const QString decided = tr("This step decided the outcome: %1.").arg(m_outcome);
        return s.detail.isEmpty() ? decided : decided + QLatin1Char('\n') + s.detail;
    }
    case DecidingRole: return true;
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
