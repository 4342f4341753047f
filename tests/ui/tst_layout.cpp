// The studio's layout at a small screen (1024x700, and again at device pixel
// ratio 2 as tst_layout_2x): the window keeps its size when a page's content
// toggles (the simulator's JSON mode, the message bar), and on every page no
// widget is squeezed below its minimum and no two widgets of one layout
// overlap.

#include "approvals/approvalspanel.h"
#include "editor/policyeditor.h"
#include "replay/replaypage.h"
#include "shell/mainwindow.h"
#include "shell/messagebar.h"
#include "simulator/requestform.h"
#include "simulator/simulatorpage.h"
#include "visual/visualeditor.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QLayout>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace osh::ui;

namespace {

const QSize kSmallScreen(1024, 700);

QString describe(const QWidget *w)
{
    const QRect g = w->geometry();
    return QStringLiteral("%1 '%2' at %3,%4 %5x%6")
        .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())
        .arg(g.x())
        .arg(g.y())
        .arg(g.width())
        .arg(g.height());
}

// The size below which the layout would not squeeze the widget if it had
// the room (what QLayout honours: an explicit minimum, else the hint, and
// nothing for an Ignored policy).
QSize effectiveMinimum(const QWidget *w)
{
    const QSize hint = w->minimumSizeHint();
    const QSize set = w->minimumSize();
    const QSizePolicy policy = w->sizePolicy();
    int width = policy.horizontalPolicy() == QSizePolicy::Ignored ? 0 : hint.width();
    int height = policy.verticalPolicy() == QSizePolicy::Ignored ? 0 : hint.height();
    if (set.width() > 0)
        width = set.width();
    if (set.height() > 0)
        height = set.height();
    return QSize(width, height).boundedTo(w->maximumSize());
}

// The widgets a layout places side by side (its own and its sub-layouts').
void managedWidgets(QLayout *layout, QList<QWidget *> &out)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem *item = layout->itemAt(i);
        if (QWidget *w = item->widget(); w && !w->isHidden())
            out << w;
        else if (QLayout *sub = item->layout())
            managedWidgets(sub, out);
    }
}

bool managedByLayout(const QWidget *w)
{
    const QWidget *parent = w->parentWidget();
    if (!parent || !parent->layout())
        return false;
    QList<QWidget *> managed;
    managedWidgets(parent->layout(), managed);
    return managed.contains(w);
}

void checkOverlaps(const QList<QWidget *> &siblings, QStringList &problems)
{
    for (qsizetype i = 0; i < siblings.size(); ++i)
        for (qsizetype j = i + 1; j < siblings.size(); ++j)
            if (siblings[i]->geometry().intersects(siblings[j]->geometry()))
                problems << QStringLiteral("overlap: %1 and %2").arg(describe(siblings[i]), describe(siblings[j]));
}

// Walks the visible widgets under `w`. Inside a scroll area the content may
// be smaller than its minimum (it scrolls); a scrollable view is never
// clipped; a widget's own internals (a combo box's line edit, a tab bar's
// buttons) are not laid out by a layout and are not checked.
void checkTree(QWidget *w, bool scrolls, QStringList &problems)
{
    const bool placed = managedByLayout(w) || qobject_cast<QSplitter *>(w->parentWidget());
    const bool qtInternal = w->objectName().startsWith(QLatin1StringView("qt_")); // a dock's title buttons
    if (!scrolls && placed && !qtInternal && !w->isWindow() && !qobject_cast<QAbstractScrollArea *>(w)) {
        const QSize min = effectiveMinimum(w);
        if (w->width() < min.width() || w->height() < min.height())
            problems << QStringLiteral("clipped: %1 below its minimum %2x%3").arg(describe(w)).arg(min.width()).arg(min.height());
    }
    if (QLayout *layout = w->layout()) {
        QList<QWidget *> managed;
        managedWidgets(layout, managed);
        checkOverlaps(managed, problems);
    }
    if (auto *split = qobject_cast<QSplitter *>(w)) {
        QList<QWidget *> shown;
        for (int i = 0; i < split->count(); ++i)
            if (!split->widget(i)->isHidden() && split->widget(i)->width() > 0 && split->widget(i)->height() > 0)
                shown << split->widget(i);
        checkOverlaps(shown, problems);
    }
    // Item views and editors draw their own content; a scroll area's content scrolls.
    auto *area = qobject_cast<QAbstractScrollArea *>(w);
    if (area && !qobject_cast<QScrollArea *>(w))
        return;
    const bool inside = scrolls || area;
    for (QObject *child : w->children()) {
        auto *cw = qobject_cast<QWidget *>(child);
        if (cw && cw->isVisible() && !cw->isWindow())
            checkTree(cw, inside, problems);
    }
}

void settle()
{
    // Layouts apply on posted LayoutRequest events, sometimes in two rounds.
    for (int i = 0; i < 3; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
    }
}

} // namespace

class TstLayout : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // The studio at the small screen's size on the demo workspace.
    void showWindow(MainWindow &w)
    {
        QVERIFY(w.openWorkspace(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")));
        w.resize(kSmallScreen);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        settle();
        QCOMPARE(w.size(), kSmallScreen);
        // tst_layout_2x runs with QT_SCALE_FACTOR=2.
        if (const QByteArray scale = qgetenv("QT_SCALE_FACTOR"); !scale.isEmpty())
            QCOMPARE(w.devicePixelRatio(), scale.toDouble());
    }

    QStringList problemsOnPage(MainWindow &w, const QString &page)
    {
        for (int i = 0; i < w.pages()->count(); ++i)
            if (w.pages()->widget(i)->objectName() == page)
                w.pages()->setCurrentIndex(i);
        settle();
        QStringList problems;
        if (w.size() != kSmallScreen)
            problems << QStringLiteral("the window grew to %1x%2 on %3").arg(w.width()).arg(w.height()).arg(page);
        checkTree(&w, false, problems);
        // And each tab of the page's own tab widgets (the visual editor's
        // sections, the replay's details).
        QWidget *shown = w.pages()->currentWidget();
        for (auto *tabs : shown->findChildren<QTabWidget *>()) {
            for (int i = 0; i < tabs->count(); ++i) {
                if (!tabs->isVisible() || !tabs->isTabEnabled(i))
                    continue;
                tabs->setCurrentIndex(i);
                settle();
                QStringList more;
                checkTree(shown, false, more);
                for (const QString &p : std::as_const(more))
                    problems << tabs->tabText(i) + QStringLiteral(" tab: ") + p;
            }
            tabs->setCurrentIndex(0);
        }
        for (QString &p : problems)
            p.prepend(page + QStringLiteral(": "));
        return problems;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("OPENSHELL_STORE", m_dir.filePath(QStringLiteral("audit.db")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    }

    // Toggling the simulator's JSON mode or showing and hiding the message
    // bar leaves the window's size alone.
    void windowKeepsItsSize()
    {
        MainWindow w;
        showWindow(w);
        w.pages()->setCurrentWidget(w.simulator());
        settle();
        QCOMPARE(w.size(), kSmallScreen);
        QCheckBox *raw = w.simulator()->form()->rawToggle();
        for (int i = 0; i < 3; ++i) {
            raw->setChecked(true);
            settle();
            QCOMPARE(w.size(), kSmallScreen);
            w.messageBar()->showError(QStringLiteral("A long error that says why something failed, with a path: %1")
                                          .arg(QString(40, QLatin1Char('x'))));
            settle();
            QVERIFY(w.messageBar()->isVisible());
            QCOMPARE(w.size(), kSmallScreen);
            raw->setChecked(false);
            settle();
            QCOMPARE(w.size(), kSmallScreen);
            w.messageBar()->dismiss();
            settle();
            QCOMPARE(w.size(), kSmallScreen);
        }
    }

    void everyViewFits_data()
    {
        QTest::addColumn<QString>("page");
        QTest::addColumn<bool>("rawJson");
        QTest::newRow("editor") << QStringLiteral("policyPage") << false;
        QTest::newRow("simulator") << QStringLiteral("simulatorPage") << false;
        QTest::newRow("simulator, JSON") << QStringLiteral("simulatorPage") << true;
        QTest::newRow("tests") << QStringLiteral("testsPage") << false;
        QTest::newRow("launcher") << QStringLiteral("launcherPage") << false;
        QTest::newRow("replay") << QStringLiteral("replayPage") << false;
    }

    // Each page at the small screen, with the docks (policies, approvals,
    // problems, and the history tabbed with it) and the message bar shown.
    void everyViewFits()
    {
        QFETCH(QString, page);
        QFETCH(bool, rawJson);
        MainWindow w;
        showWindow(w);
        w.simulator()->form()->rawToggle()->setChecked(rawJson);
        w.messageBar()->showError(QStringLiteral("An error shown above the pages"));
        QStringList problems = problemsOnPage(w, page);
        // The history dock shares its place with the problems.
        if (auto *history = w.findChild<QDockWidget *>(QStringLiteral("historyDock"))) {
            history->raise();
            problems += problemsOnPage(w, page);
        }
        problems.removeDuplicates();
        QVERIFY2(problems.isEmpty(), qPrintable(u'\n' + problems.join(u'\n')));
    }
};

QTEST_MAIN(TstLayout)
#include "tst_layout.moc"
