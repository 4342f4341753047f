// The compare window's diff widgets, offscreen: aligned rows for a known
// pair of texts, markers on the right rows, change navigation (slots and
// F7/Shift+F7), synchronised scrolling, and the semantic diff's model under
// QAbstractItemModelTester with its summary and double-click signal.
#include "history/semanticdiffview.h"
#include "history/sidebysidediff.h"

#include <Qsci/qsciscintilla.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using osh::ui::AlignedRow;
using osh::ui::SemanticDiffModel;
using osh::ui::SemanticDiffView;
using osh::ui::SideBySideDiff;

namespace {

const QString kLeft = QStringLiteral("a\nb\nc\nd\ne\n");
const QString kRight = QStringLiteral("a\nB\nc\ne\nf\ng\n");

bool hasMarker(QsciScintilla *e, int row, int marker)
{
    return (e->markersAtLine(row) & (1u << marker)) != 0;
}

QString rowText(QsciScintilla *e, int row)
{
    QString t = e->text(row);
    if (t.endsWith(QLatin1Char('\n')))
        t.chop(1);
    return t;
}

} // namespace

Q_DECLARE_METATYPE(AlignedRow)

class TestDiffWidgets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void alignedRows()
    {
        SideBySideDiff w;
        QVERIFY(w.setTexts(kLeft, kRight));
        const QList<AlignedRow> expected{
            {AlignedRow::Same, 1, 1},    {AlignedRow::Changed, 2, 2}, {AlignedRow::Same, 3, 3}, {AlignedRow::Removed, 4, 0},
            {AlignedRow::Same, 5, 4},    {AlignedRow::Added, 0, 5},   {AlignedRow::Added, 0, 6},
        };
        QCOMPARE(w.rows(), expected);
        QCOMPARE(w.leftEditor()->lines(), 7);
        QCOMPARE(w.rightEditor()->lines(), 7);
        // Corresponding lines sit on the same row; fillers are blank.
        QCOMPARE(rowText(w.leftEditor(), 3), QStringLiteral("d"));
        QCOMPARE(rowText(w.rightEditor(), 3), QString());
        QCOMPARE(rowText(w.leftEditor(), 4), QStringLiteral("e"));
        QCOMPARE(rowText(w.rightEditor(), 4), QStringLiteral("e"));
        QCOMPARE(rowText(w.rightEditor(), 6), QStringLiteral("g"));
        QCOMPARE(w.rowOfRightLine(4), 4);
        QCOMPARE(w.rowOfLeftLine(5), 4);
        QCOMPARE(w.rowOfLeftLine(9), -1);
        QVERIFY(w.leftEditor()->isReadOnly());
        QVERIFY(w.rightEditor()->isReadOnly());
    }

    void alignRowsFromHunks_data()
    {
        QTest::addColumn<QString>("left");
        QTest::addColumn<QString>("right");
        QTest::addColumn<QList<AlignedRow>>("rows");
        QTest::newRow("insert at start") << QStringLiteral("x\n") << QStringLiteral("n\nx\n")
                                         << QList<AlignedRow>{{AlignedRow::Added, 0, 1}, {AlignedRow::Same, 1, 2}};
        QTest::newRow("delete at end") << QStringLiteral("x\ny\n") << QStringLiteral("x\n")
                                       << QList<AlignedRow>{{AlignedRow::Same, 1, 1}, {AlignedRow::Removed, 2, 0}};
        QTest::newRow("two removed one added")
            << QStringLiteral("k\np\nq\nk\n") << QStringLiteral("k\nr\nk\n")
            << QList<AlignedRow>{{AlignedRow::Same, 1, 1}, {AlignedRow::Changed, 2, 2}, {AlignedRow::Removed, 3, 0}, {AlignedRow::Same, 4, 3}};
        QTest::newRow("from empty") << QString() << QStringLiteral("a\nb")
                                    << QList<AlignedRow>{{AlignedRow::Added, 0, 1}, {AlignedRow::Added, 0, 2}};
    }

    void alignRowsFromHunks()
    {
        QFETCH(QString, left);
        QFETCH(QString, right);
        QFETCH(QList<AlignedRow>, rows);
        // With three lines of context the hunks leave gaps to fill; the whole
        // file (-1) gives one hunk: both must align the same.
        const std::string l = left.toStdString();
        const std::string r = right.toStdString();
        const int ln = left.isEmpty() ? 0 : int(left.count(QLatin1Char('\n'))) + (left.endsWith(QLatin1Char('\n')) ? 0 : 1);
        const int rn = right.isEmpty() ? 0 : int(right.count(QLatin1Char('\n'))) + (right.endsWith(QLatin1Char('\n')) ? 0 : 1);
        std::string error;
        QCOMPARE(osh::ui::alignRows(osh::vcs::diffText(l, r, -1, &error), ln, rn), rows);
        QCOMPARE(osh::ui::alignRows(osh::vcs::diffText(l, r, 0, &error), ln, rn), rows);
        QVERIFY2(error.empty(), error.c_str());
    }

    void markers()
    {
        SideBySideDiff w;
        QVERIFY(w.setTexts(kLeft, kRight));
        QsciScintilla *l = w.leftEditor();
        QsciScintilla *r = w.rightEditor();
        QVERIFY(l->markersAtLine(0) == 0 && r->markersAtLine(0) == 0);
        QVERIFY(hasMarker(l, 1, SideBySideDiff::ChangedMarker) && hasMarker(l, 1, SideBySideDiff::ChangedBack));
        QVERIFY(hasMarker(r, 1, SideBySideDiff::ChangedMarker));
        QVERIFY(hasMarker(l, 3, SideBySideDiff::RemovedMarker) && hasMarker(l, 3, SideBySideDiff::RemovedBack));
        QVERIFY(hasMarker(r, 3, SideBySideDiff::FillerBack) && !hasMarker(r, 3, SideBySideDiff::RemovedMarker));
        QVERIFY(l->markersAtLine(4) == 0 && r->markersAtLine(4) == 0);
        for (int row : {5, 6}) {
            QVERIFY(hasMarker(r, row, SideBySideDiff::AddedMarker) && hasMarker(r, row, SideBySideDiff::AddedBack));
            QVERIFY(hasMarker(l, row, SideBySideDiff::FillerBack) && !hasMarker(l, row, SideBySideDiff::AddedMarker));
        }
        // Identical texts: no markers, no changes.
        QVERIFY(w.setTexts(kLeft, kLeft));
        QCOMPARE(w.changeCount(), 0);
        for (int row = 0; row < l->lines(); ++row)
            QCOMPARE(l->markersAtLine(row) | r->markersAtLine(row), 0u);
        QVERIFY(!w.nextChange());
    }

    void navigation()
    {
        SideBySideDiff w;
        QVERIFY(w.setTexts(kLeft, kRight));
        QCOMPARE(w.changeCount(), 3);
        QCOMPARE(w.currentChange(), -1);
        QSignalSpy spy(&w, &SideBySideDiff::currentChangeChanged);
        int line = 0, col = 0;
        QVERIFY(w.nextChange());
        w.rightEditor()->getCursorPosition(&line, &col);
        QCOMPARE(line, 1);
        QVERIFY(w.nextChange());
        w.leftEditor()->getCursorPosition(&line, &col);
        QCOMPARE(line, 3);
        QVERIFY(w.nextChange());
        QCOMPARE(w.currentChange(), 2);
        QCOMPARE(w.changeStartRow(2), 5);
        QVERIFY(!w.nextChange());
        QVERIFY(w.previousChange());
        QCOMPARE(w.currentChange(), 1);
        QCOMPARE(spy.count(), 4);
        QCOMPARE(spy.last().at(0).toInt(), 1);
        QCOMPARE(spy.last().at(1).toInt(), 3);

        // Jumping to a line of the after-version selects its change.
        w.showRightLine(5);
        QCOMPARE(w.currentChange(), 2);
        w.rightEditor()->getCursorPosition(&line, &col);
        QCOMPARE(line, 5);
    }

    void keyboard()
    {
        SideBySideDiff w;
        w.resize(800, 400);
        QVERIFY(w.setTexts(kLeft, kRight));
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.rightEditor()->setFocus();
        QTest::keyClick(w.rightEditor(), Qt::Key_F7);
        QCOMPARE(w.currentChange(), 0);
        QTest::keyClick(w.rightEditor(), Qt::Key_F7);
        QCOMPARE(w.currentChange(), 1);
        QTest::keyClick(w.rightEditor(), Qt::Key_F7, Qt::ShiftModifier);
        QCOMPARE(w.currentChange(), 0);
        QTest::keyClick(w.leftEditor(), Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(w.currentChange(), 1);
        QTest::keyClick(w.leftEditor(), Qt::Key_Up, Qt::AltModifier);
        QCOMPARE(w.currentChange(), 0);
    }

    void synchronisedScrolling()
    {
        QString left, right;
        for (int i = 1; i <= 300; ++i) {
            left += QStringLiteral("line %1\n").arg(i);
            if (i % 50 != 0)
                right += QStringLiteral("line %1\n").arg(i);
            else
                right += QStringLiteral("added %1\nline %1 changed\n").arg(i);
        }
        SideBySideDiff w;
        w.resize(800, 300);
        QVERIFY(w.setTexts(left, right));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.leftEditor()->lines(), w.rightEditor()->lines());
        w.leftEditor()->verticalScrollBar()->setValue(120);
        QCOMPARE(w.leftEditor()->firstVisibleLine(), 120);
        QCOMPARE(w.rightEditor()->firstVisibleLine(), 120);
        w.rightEditor()->verticalScrollBar()->setValue(40);
        QCOMPARE(w.leftEditor()->firstVisibleLine(), 40);
        // Navigation scrolls both sides to the change.
        while (w.currentChange() < 3)
            QVERIFY(w.nextChange());
        const int row = w.changeStartRow(3);
        QVERIFY(row > 100);
        QCOMPARE(w.leftEditor()->firstVisibleLine(), w.rightEditor()->firstVisibleLine());
        QVERIFY(w.rightEditor()->firstVisibleLine() <= row && w.rightEditor()->firstVisibleLine() > row - 10);
    }

    void semanticModel()
    {
        SemanticDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const std::string head = "version: 1\nname: demo\nsandbox:\n  max_memory_mb: ";
        const auto result = osh::diff::semanticDiffTexts(
            head + "1024\npolicies:\n  - {name: p, trigger: tool_call, condition: 'true', action: allow}\n", "before.yaml",
            head + "4096\npolicies:\n  - {name: p, trigger: tool_call, condition: 'true', action: block}\n", "after.yaml");
        QVERIFY(result.diff);
        model.setDiff(*result.diff);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex sandbox = model.index(0, 0);
        QVERIFY(model.data(sandbox, SemanticDiffModel::IsSectionRole).toBool());
        QCOMPARE(model.data(sandbox, SemanticDiffModel::SectionRole).toInt(), int(osh::diff::Section::Sandbox));
        QCOMPARE(model.rowCount(sandbox), 1);
        const QModelIndex mem = model.index(0, 0, sandbox);
        QCOMPARE(model.data(mem, SemanticDiffModel::EffectRole).toInt(), int(osh::diff::Effect::Looser));
        QCOMPARE(model.data(mem, SemanticDiffModel::AfterLineRole).toInt(), 4);
        QCOMPARE(model.data(mem, SemanticDiffModel::BeforeRole).toString(), QStringLiteral("1024"));
        QCOMPARE(model.data(mem, Qt::ForegroundRole).value<QColor>(), SemanticDiffModel::effectColor(osh::diff::Effect::Looser));
        QCOMPARE(model.data(model.index(0, SemanticDiffModel::EffectColumn, sandbox)).toString(), QStringLiteral("looser"));
        const QModelIndex policies = model.index(1, 0);
        QCOMPARE(model.data(policies, SemanticDiffModel::SectionRole).toInt(), int(osh::diff::Section::Policies));
        QCOMPARE(model.data(model.index(0, 0, policies), SemanticDiffModel::EffectRole).toInt(), int(osh::diff::Effect::NewlyBlocked));
        QCOMPARE(model.parent(model.index(0, 1, policies)), policies);
        QCOMPARE(model.summaryText(), QStringLiteral("1 newly blocked, 1 looser"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void semanticViewDoubleClick()
    {
        SemanticDiffView view;
        view.resize(700, 400);
        const std::string a = "version: 1\nname: demo\npolicies:\n  - name: p\n    trigger: tool_call\n    condition: 'true'\n    action: allow\n";
        const std::string b = "version: 1\nname: demo\npolicies:\n  - name: p\n    trigger: tool_call\n    condition: 'true'\n    action: block\n";
        view.setResult(osh::diff::semanticDiffTexts(a, "a.yaml", b, "b.yaml"));
        QCOMPARE(view.summary(), QStringLiteral("1 newly blocked"));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy spy(&view, &SemanticDiffView::changeActivated);
        const QModelIndex change = view.model()->index(0, 0, view.model()->index(0, 0));
        QVERIFY(change.isValid());
        const QRect rect = view.tree()->visualRect(change);
        QVERIFY(rect.isValid());
        // Qt 6's item views take a double click as the second press of a click pair.
        QTest::mouseClick(view.tree()->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(view.tree()->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().at(0).toInt(), 7); // "action: block" in the after-version
        QCOMPARE(spy.first().at(1).toInt(), 7);
        // Section rows do not jump anywhere.
        const QPoint section = view.tree()->visualRect(view.model()->index(0, 0)).center();
        QTest::mouseClick(view.tree()->viewport(), Qt::LeftButton, {}, section);
        QTest::mouseDClick(view.tree()->viewport(), Qt::LeftButton, {}, section);
        QCOMPARE(spy.count(), 1);

        // A version with errors: the diagnostics, FILE:LINE:COL.
        view.setResult(osh::diff::semanticDiffTexts(a, "a.yaml", "version: 1\nname: demo\nbogus: 1\n", "b.yaml"));
        QCOMPARE(view.model()->rowCount(), 0);
        QVERIFY2(view.summary().contains(QStringLiteral("b.yaml:3:1:")), qPrintable(view.summary()));
    }
};

QTEST_MAIN(TestDiffWidgets)
#include "tst_diffwidgets.moc"
