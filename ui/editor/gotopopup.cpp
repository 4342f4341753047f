#include "editor/gotopopup.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace osh::ui {

namespace {
constexpr int kIndexRole = Qt::UserRole + 1;
}

GoToPopup::GoToPopup(QWidget *parent) : QFrame(parent, Qt::Popup), m_filter(new QLineEdit(this)), m_list(new QListWidget(this))
{
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_filter);
    layout->addWidget(m_list);
    m_filter->setPlaceholderText(tr("Go to policy, rule or tool"));
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, this, &GoToPopup::refilter);
    connect(m_filter, &QLineEdit::returnPressed, this, &GoToPopup::pickCurrent);
    connect(m_list, &QListWidget::itemActivated, this, [this] { pickCurrent(); });
    resize(480, 320);
}

void GoToPopup::setEntries(QList<OutlineEntry> entries)
{
    m_entries = std::move(entries);
    m_filter->clear();
    refilter();
}

void GoToPopup::setFilterText(const QString &text)
{
    m_filter->setText(text);
}

int GoToPopup::visibleCount() const
{
    return m_list->count();
}

void GoToPopup::refilter()
{
    const QString f = m_filter->text().trimmed();
    m_list->clear();
    for (int i = 0; i < m_entries.size(); ++i) {
        const auto &e = m_entries[i];
        if (!f.isEmpty() && !e.label.contains(f, Qt::CaseInsensitive) && !e.kind.contains(f, Qt::CaseInsensitive))
            continue;
        auto *item = new QListWidgetItem(tr("%1  —  %2, line %3").arg(e.label, e.kind).arg(e.line), m_list);
        item->setData(kIndexRole, i);
    }
    m_list->setCurrentRow(m_list->count() > 0 ? 0 : -1);
}

bool GoToPopup::pickCurrent()
{
    const auto *item = m_list->currentItem();
    if (!item)
        return false;
    const auto &e = m_entries[item->data(kIndexRole).toInt()];
    hide();
    Q_EMIT picked(e.line, e.column);
    return true;
}

bool GoToPopup::eventFilter(QObject *watched, QEvent *event)
{
    // Arrow keys move through the list while the filter keeps the focus.
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Down || key == Qt::Key_Up) {
            const int row = m_list->currentRow() + (key == Qt::Key_Down ? 1 : -1);
            if (row >= 0 && row < m_list->count())
                m_list->setCurrentRow(row);
            return true;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace osh::ui
