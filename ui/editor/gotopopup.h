#pragma once
// Ctrl+Shift+O: a filter box over the document's policies, rules and tools;
// picking one reports its position.

#include "editor/documentoutline.h"

#include <QFrame>

class QLineEdit;
class QListWidget;

namespace osh::ui {

class GoToPopup : public QFrame
{
    Q_OBJECT

public:
    explicit GoToPopup(QWidget *parent = nullptr);

    void setEntries(QList<OutlineEntry> entries);
    void setFilterText(const QString &text);
    // Entries matching the filter, in list order.
    int visibleCount() const;
    // Picks the highlighted entry (emits picked, hides); false if none.
    bool pickCurrent();

Q_SIGNALS:
    void picked(int line, int column);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();

    QLineEdit *m_filter;
    QListWidget *m_list;
    QList<OutlineEntry> m_entries;
};

} // namespace osh::ui
