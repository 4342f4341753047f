// CompareWindow: side-by-side, semantic and unified diffs of two policy versions.
#include "comparewindow.h"

#include "semanticdiffview.h"
#include "sidebysidediff.h"

#include "diff/semanticdiff.h"
#include "vcs/textdiff.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QVBoxLayout>

namespace osh::ui {

CompareWindow::CompareWindow(const QString &file, const QByteArray &before, const QString &beforeLabel,
                             const QByteArray &after, const QString &afterLabel, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_tabs(new QTabWidget(this))
    , m_sideBySide(new SideBySideDiff(this))
    , m_semantic(new SemanticDiffView(this))
    , m_unified(new QPlainTextEdit(this))
{
    const QString name = QFileInfo(file).fileName();
    setWindowTitle(tr("%1: %2 → %3").arg(name, beforeLabel, afterLabel));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_tabs);

    m_sideBySide->setLabels(beforeLabel, afterLabel);
    m_sideBySide->setTexts(QString::fromUtf8(before), QString::fromUtf8(after));
    m_tabs->insertTab(SideBySideTab, m_sideBySide, tr("Side by side"));

    m_semantic->setResult(diff::semanticDiffTexts(before.toStdString(),
                                                  name.toStdString() + " (" + beforeLabel.toStdString() + ')',
                                                  after.toStdString(),
                                                  name.toStdString() + " (" + afterLabel.toStdString() + ')'));
    m_tabs->insertTab(SemanticTab, m_semantic, tr("Semantic"));
    connect(m_semantic, &SemanticDiffView::changeActivated, this, [this](int afterLine, int) {
        if (afterLine <= 0)
            return;
        m_tabs->setCurrentIndex(SideBySideTab);
        m_sideBySide->showRightLine(afterLine);
    });

    std::string error;
    const auto hunks = vcs::diffText(before.toStdString(), after.toStdString(), 3, &error);
    m_unified->setReadOnly(true);
    m_unified->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_unified->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    if (!error.empty())
        m_unified->setPlainText(tr("The diff failed: %1").arg(QString::fromStdString(error)));
    else if (hunks.empty())
        m_unified->setPlainText(tr("The two versions are identical."));
    else
        m_unified->setPlainText(
            QString::fromStdString(vcs::unifiedDiff(hunks, beforeLabel.toStdString(), afterLabel.toStdString())));
    m_tabs->insertTab(UnifiedTab, m_unified, tr("Unified"));
    resize(1200, 760);
}

} // namespace osh::ui
