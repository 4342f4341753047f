#include "trace/traceview.h"

#include "trace/tracemodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace osh::ui {

namespace {
// More reads than this are left to the tree.
constexpr int kSummaryReads = 6;
} // namespace

TraceView::TraceView(QWidget *parent)
    : QWidget(parent), m_model(new TraceModel(this)), m_summary(new QLabel(this)), m_tree(new QTreeView(this))
{
    m_summary->setObjectName(QStringLiteral("traceSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->hide();
    m_tree->setObjectName(QStringLiteral("traceView"));
    m_tree->setModel(m_model);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
}

QString TraceView::summaryText() const
{
    return m_summary->isHidden() ? QString() : m_summary->text();
}

void TraceView::setDecision(const Decision &decision, const Request *request)
{
    m_model->setDecision(decision, request);
    showTrace();
}

bool TraceView::setTraceJson(const QByteArray &json, const QString &layer, const QString &policy,
                             const QString &outcome, const QString &note)
{
    const bool ok = m_model->setTraceJson(json, layer, policy, outcome);
    showTrace();
    if (!ok) {
        m_summary->setText(note.isEmpty() ? tr("This trace cannot be read; the Event tab shows it as recorded.") : note);
        m_summary->show();
    }
    return ok;
}

void TraceView::clear()
{
    m_model->clear();
    showTrace();
}

void TraceView::showTrace()
{
    // Every step open, but a run of skipped policies (it can be hundreds).
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QModelIndex i = m_model->index(r, 0);
        m_tree->setExpanded(i, i.data(TraceModel::KindRole).toInt() != TraceModel::SkippedRow);
    }
    const QModelIndex deciding = m_model->decidingIndex();
    QString text;
    if (deciding.isValid()) {
        const bool policy = deciding.data(TraceModel::KindRole).toInt() == TraceModel::PolicyRow;
        text = policy ? tr("Decided by policy %1 (%2)").arg(deciding.data(TraceModel::PolicyRole).toString(),
                                                            m_model->outcome())
                      : tr("Decided by the %1 layer (%2)").arg(deciding.data(TraceModel::LayerRole).toString(),
                                                              m_model->outcome());
        QStringList reads;
        const int n = m_model->rowCount(deciding);
        for (int r = 0; r < n && r < kSummaryReads; ++r) {
            const QModelIndex c = m_model->index(r, TraceModel::StepColumn, deciding);
            const QString value = c.siblingAtColumn(TraceModel::ResultColumn).data().toString();
            reads << (c.data(TraceModel::KindRole).toInt() == TraceModel::ReadRow
                          ? tr("%1 = %2").arg(c.data().toString(), value)
                          : tr("%1: %2").arg(c.data().toString(), value));
        }
        if (n > kSummaryReads)
            reads << tr("… (%n more)", nullptr, n - kSummaryReads);
        if (!reads.isEmpty())
            text += QLatin1Char('\n') + (policy ? tr("Its condition read: %1") : tr("It found: %1")).arg(reads.join(QStringLiteral(", ")));
        m_tree->setCurrentIndex(deciding);
        m_tree->scrollTo(deciding, QAbstractItemView::PositionAtTop);
    } else if (m_model->rowCount() > 0 && !m_model->outcome().isEmpty()) {
        text = tr("No step decided against it: %1.").arg(m_model->outcome());
    }
    m_summary->setText(text);
    m_summary->setVisible(!text.isEmpty());
}

} // namespace osh::ui
