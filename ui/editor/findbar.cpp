#include "editor/findbar.h"

#include <Qsci/qsciscintilla.h>

#include <QKeyEvent>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace osh::ui {

namespace {
QToolButton *button(const QString &text, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setAutoRaise(true);
    return b;
}
} // namespace

FindBar::FindBar(QsciScintilla *editor, QWidget *parent)
    : QWidget(parent)
    , m_editor(editor)
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_case(new QCheckBox(tr("Match case"), this))
    , m_replaceRow(new QWidget(this))
{
    m_find->setPlaceholderText(tr("Find"));
    m_replace->setPlaceholderText(tr("Replace with"));
    auto *findRow = new QHBoxLayout;
    findRow->addWidget(m_find, 1);
    auto *next = button(tr("Next"), this);
    auto *prev = button(tr("Previous"), this);
    auto *closeButton = button(tr("Close"), this);
    findRow->addWidget(prev);
    findRow->addWidget(next);
    findRow->addWidget(m_case);
    findRow->addWidget(closeButton);
    auto *replaceRow = new QHBoxLayout(m_replaceRow);
    replaceRow->setContentsMargins(0, 0, 0, 0);
    replaceRow->addWidget(m_replace, 1);
    auto *one = button(tr("Replace"), m_replaceRow);
    auto *all = button(tr("Replace all"), m_replaceRow);
    replaceRow->addWidget(one);
    replaceRow->addWidget(all);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addLayout(findRow);
    layout->addWidget(m_replaceRow);

    connect(next, &QToolButton::clicked, this, &FindBar::findNext);
    connect(prev, &QToolButton::clicked, this, &FindBar::findPrevious);
    connect(closeButton, &QToolButton::clicked, this, &FindBar::close);
    connect(one, &QToolButton::clicked, this, &FindBar::replaceCurrent);
    connect(all, &QToolButton::clicked, this, &FindBar::replaceAll);
    connect(m_find, &QLineEdit::returnPressed, this, &FindBar::findNext);
    connect(m_replace, &QLineEdit::returnPressed, this, &FindBar::replaceCurrent);

    hide();
}

void FindBar::open(bool replace)
{
    if (m_editor->hasSelectedText() && !m_editor->selectedText().contains(QLatin1Char('\n')))
        m_find->setText(m_editor->selectedText());
    m_replaceRow->setVisible(replace);
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindBar::close()
{
    hide();
    m_editor->setFocus();
}

void FindBar::keyPressEvent(QKeyEvent *event)
{
    // The line edits leave Escape unhandled, so it reaches the bar from them too.
    if (event->key() == Qt::Key_Escape) {
        close();
        return;
    }
    QWidget::keyPressEvent(event);
}

void FindBar::setFindText(const QString &text)
{
    m_find->setText(text);
}

void FindBar::setReplaceText(const QString &text)
{
    m_replace->setText(text);
}

void FindBar::setCaseSensitive(bool on)
{
    m_case->setChecked(on);
}

bool FindBar::find(bool forward)
{
    if (m_find->text().isEmpty())
        return false;
    int line = -1, index = -1;
    if (m_editor->hasSelectedText()) {
        // Search from the selection's far end, so the current match is skipped.
        int l1, i1, l2, i2;
        m_editor->getSelection(&l1, &i1, &l2, &i2);
        line = forward ? l2 : l1;
        index = forward ? i2 : i1;
    }
    return m_editor->findFirst(m_find->text(), false, m_case->isChecked(), false, true, forward, line, index);
}

bool FindBar::findNext()
{
    return find(true);
}

bool FindBar::findPrevious()
{
    return find(false);
}

bool FindBar::replaceCurrent()
{
    const Qt::CaseSensitivity cs = m_case->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
    int l1 = 0, i1 = 0, l2, i2;
    const bool onMatch = m_editor->hasSelectedText() && m_editor->selectedText().compare(m_find->text(), cs) == 0;
    if (onMatch)
        m_editor->getSelection(&l1, &i1, &l2, &i2);
    // Re-find from the match's start so QScintilla's replace() has a target.
    if (!m_editor->findFirst(m_find->text(), false, m_case->isChecked(), false, true, true, onMatch ? l1 : -1,
                             onMatch ? i1 : -1))
        return false;
    m_editor->replace(m_replace->text());
    find(true);
    return true;
}

int FindBar::replaceAll()
{
    if (m_find->text().isEmpty())
        return 0;
    int count = 0;
    m_editor->beginUndoAction();
    bool found = m_editor->findFirst(m_find->text(), false, m_case->isChecked(), false, false, true, 0, 0);
    while (found) {
        m_editor->replace(m_replace->text());
        ++count;
        found = m_editor->findNext();
    }
    m_editor->endUndoAction();
    return count;
}

} // namespace osh::ui
