// SemanticDiffModel and SemanticDiffView: the semantic diff as a tree.
#include "semanticdiffview.h"

#include <QColor>
#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace osh::ui {

using diff::Change;
using diff::Effect;
using diff::Section;

SemanticDiffModel::SemanticDiffModel(QObject *parent) : QAbstractItemModel(parent) { }

void SemanticDiffModel::setDiff(const diff::SemanticDiff &d)
{
    beginResetModel();
    m_diff = d;
    m_groups.clear();
    for (int i = 0; i < static_cast<int>(m_diff.changes.size()); ++i) {
        const Section s = m_diff.changes[static_cast<size_t>(i)].section;
        auto it = std::find_if(m_groups.begin(), m_groups.end(), [s](const Group &g) { return g.section == s; });
        if (it == m_groups.end()) {
            m_groups.append(Group{s, {}});
            it = m_groups.end() - 1;
        }
        it->changes.append(i);
    }
    endResetModel();
}

void SemanticDiffModel::clear()
{
    setDiff({});
}

QString SemanticDiffModel::summaryText() const
{
    if (m_diff.empty())
        return tr("No changes.");
    QStringList parts;
    auto part = [&parts](int n, const QString &text) {
        if (n > 0)
            parts.append(text);
    };
    const int allowed = m_diff.count(Effect::NewlyAllowed);
    const int blocked = m_diff.count(Effect::NewlyBlocked);
    const int looser = m_diff.count(Effect::Looser);
    const int stricter = m_diff.count(Effect::Stricter);
    const int changed = m_diff.count(Effect::Neutral) + m_diff.count(Effect::Unknown);
    part(allowed, tr("%n newly allowed", nullptr, allowed));
    part(blocked, tr("%n newly blocked", nullptr, blocked));
    part(looser, tr("%n looser", nullptr, looser));
    part(stricter, tr("%n stricter", nullptr, stricter));
    part(changed, tr("%n changed", nullptr, changed));
    return parts.join(QStringLiteral(", "));
}

QString SemanticDiffModel::effectText(Effect e)
{
    switch (e) {
    case Effect::NewlyAllowed: return tr("newly allowed");
    case Effect::NewlyBlocked: return tr("newly blocked");
    case Effect::Looser: return tr("looser");
    case Effect::Stricter: return tr("stricter");
    case Effect::Neutral: return tr("no effect");
    case Effect::Unknown: return tr("depends");
    }
    return {};
}

QString SemanticDiffModel::sectionText(Section s)
{
    switch (s) {
    case Section::Document: return tr("Document");
    case Section::Sandbox: return tr("Sandbox");
    case Section::Network: return tr("Network");
    case Section::Filesystem: return tr("Filesystem");
    case Section::Tools: return tr("Tools");
    case Section::Pii: return tr("PII");
    case Section::Policies: return tr("Policies");
    }
    return {};
}

QColor SemanticDiffModel::effectColor(Effect e)
{
    switch (e) {
    case Effect::NewlyAllowed: return QColor(0x1a, 0x7f, 0x37);
    case Effect::NewlyBlocked: return QColor(0xcf, 0x22, 0x2e);
    case Effect::Looser: return QColor(0xbc, 0x4c, 0x00);
    case Effect::Stricter: return QColor(0x09, 0x69, 0xda);
    case Effect::Neutral: return QColor(0x6e, 0x77, 0x81);
    case Effect::Unknown: return QColor(0x82, 0x50, 0xdf);
    }
    return {};
}

QModelIndex SemanticDiffModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex SemanticDiffModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr(0));
}

int SemanticDiffModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_groups.size());
    if (parent.internalId() != 0 || parent.column() != 0)
        return 0;
    return static_cast<int>(m_groups[parent.row()].changes.size());
}

int SemanticDiffModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant SemanticDiffModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == 0) {
        const Group &g = m_groups[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == SentenceColumn)
                return tr("%1 (%n change(s))", nullptr, static_cast<int>(g.changes.size())).arg(sectionText(g.section));
            return {};
        case IsSectionRole: return true;
        case SectionRole: return static_cast<int>(g.section);
        case AfterLineRole:
        case BeforeLineRole: return 0;
        default: return {};
        }
    }
    const Group &g = m_groups[static_cast<int>(index.internalId() - 1)];
    const Change &c = m_diff.changes[static_cast<size_t>(g.changes[index.row()])];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == SentenceColumn ? QString::fromStdString(c.sentence) : effectText(c.effect);
    case Qt::ToolTipRole: {
        QString tip = QString::fromStdString(c.sentence);
        if (!c.before.empty() || !c.after.empty())
            tip += QLatin1Char('\n') + tr("before: %1\nafter: %2").arg(QString::fromStdString(c.before), QString::fromStdString(c.after));
        return tip;
    }
    case Qt::ForegroundRole: return effectColor(c.effect);
    case Qt::DecorationRole:
        return index.column() == EffectColumn ? QVariant(effectColor(c.effect)) : QVariant();
    case IsSectionRole: return false;
    case SectionRole: return static_cast<int>(c.section);
    case EffectRole: return static_cast<int>(c.effect);
    case KindRole: return static_cast<int>(c.kind);
    case SubjectRole: return QString::fromStdString(c.subject);
    case BeforeRole: return QString::fromStdString(c.before);
    case AfterRole: return QString::fromStdString(c.after);
    case AfterLineRole: return c.afterPos.line;
    case BeforeLineRole: return c.beforePos.line;
    default: return {};
    }
}

QVariant SemanticDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SentenceColumn: return tr("Change");
    case EffectColumn: return tr("Effect");
    default: return {};
    }
}

SemanticDiffView::SemanticDiffView(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_tree(new QTreeView(this)), m_model(new SemanticDiffModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree);
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(false);
    m_tree->setWordWrap(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(SemanticDiffModel::SentenceColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(SemanticDiffModel::EffectColumn, QHeaderView::ResizeToContents);
    connect(m_tree, &QTreeView::doubleClicked, this, &SemanticDiffView::activate);
    m_summary->setText(m_model->summaryText());
}

void SemanticDiffView::setDiff(const diff::SemanticDiff &d)
{
    m_model->setDiff(d);
    m_tree->expandAll();
    m_summary->setText(m_model->summaryText());
}

void SemanticDiffView::setResult(const diff::SemanticDiffResult &result)
{
    if (result.diff) {
        setDiff(*result.diff);
        return;
    }
    m_model->clear();
    QString text = tr("The semantic diff needs both versions to load without errors:");
    for (const auto &d : result.diagnostics)
        text += QLatin1Char('\n') + QString::fromStdString(d.format());
    m_summary->setText(text);
}

QString SemanticDiffView::summary() const
{
    return m_summary->text();
}

void SemanticDiffView::activate(const QModelIndex &index)
{
    if (!index.isValid() || index.data(SemanticDiffModel::IsSectionRole).toBool())
        return;
    Q_EMIT changeActivated(index.data(SemanticDiffModel::AfterLineRole).toInt(),
                           index.data(SemanticDiffModel::BeforeLineRole).toInt());
}

} // namespace osh::ui
