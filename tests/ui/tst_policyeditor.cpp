// PolicyEditor on the customer-support example, offscreen: squiggles over
// the exact bytes, quick fixes, hover, completion, find/replace, go-to and
// stale validation results.
#include "editor/findbar.h"
#include "editor/gotopopup.h"
#include "editor/policyeditor.h"
#include "editor/problemsmodel.h"

#include <QApplication>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using osh::ui::PolicyEditor;

namespace {

const QString kExample = QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support/customer-support.policy.yaml");

QString readExample()
{
    QFile f(kExample);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

int lineContaining(const PolicyEditor &e, const QString &needle)
{
    for (int l = 0; l < e.lines(); ++l)
        if (e.text(l).contains(needle))
            return l;
    return -1;
}

long indicatorAt(PolicyEditor &e, int indicator, int line, int byteIndex)
{
    // Raw Scintilla positions are bytes (QsciScintilla's line/index counts characters).
    const long pos = e.SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line)) + byteIndex;
    return e.SendScintilla(QsciScintillaBase::SCI_INDICATORVALUEAT, static_cast<unsigned long>(indicator), pos);
}

// Waits for the next applied validation (the debounce + worker path).
bool waitForDiagnostics(PolicyEditor &e)
{
    QSignalSpy spy(&e, &PolicyEditor::diagnosticsChanged);
    return spy.wait(5000);
}

const osh::Diagnostic *findDiag(const PolicyEditor &e, const std::string &suggestion)
{
    for (const auto &d : e.diagnostics())
        if (d.suggestion == suggestion && d.severity == osh::Severity::Error)
            return &d;
    return nullptr;
}

// Replaces the first occurrence of `from` on `line` as typing would.
void typeOver(PolicyEditor &e, int line, const QString &from, const QString &to)
{
    const QByteArray bytes = e.text(line).toUtf8();
    const int at = static_cast<int>(bytes.indexOf(from.toUtf8()));
    QVERIFY(at >= 0);
    const long start = e.SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
    e.SendScintilla(QsciScintillaBase::SCI_SETSEL, static_cast<unsigned long>(start + at), start + at + from.toUtf8().size());
    e.replaceSelectedText(to);
}

} // namespace

class TestPolicyEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorSquiggleAndQuickFix()
    {
        PolicyEditor e;
        osh::ui::ProblemsModel problems;
        connect(&e, &PolicyEditor::diagnosticsChanged, &problems, &osh::ui::ProblemsModel::setDiagnostics);
        e.setFileName(kExample);
        e.setText(readExample());
        e.validateNow();
        QVERIFY(!osh::hasErrors(e.diagnostics()));

        const int line = lineContaining(e, QStringLiteral("isolation: gvisor"));
        QVERIFY(line >= 0);
        typeOver(e, line, QStringLiteral("gvisor"), QStringLiteral("gvisr"));
        QVERIFY(waitForDiagnostics(e));
        const osh::Diagnostic *d = findDiag(e, "gvisor");
        QVERIFY(d);
        QCOMPARE(d->begin.line, line + 1);
        bool inModel = false;
        for (int r = 0; r < problems.rowCount(); ++r)
            inModel |= problems.index(r).data(osh::ui::ProblemsModel::SuggestionRole).toString() == QLatin1String("gvisor");
        QVERIFY(inModel);

        const int from = static_cast<int>(e.text(line).toUtf8().indexOf("gvisr"));
        const int to = from + 5;
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, from - 1), 0L);
        for (int b = from; b < to; ++b)
            QCOMPARE(indicatorAt(e, e.errorIndicator(), line, b), 1L);
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, to), 0L);

        const QString hover = e.hoverTextAt(line, from + 2);
        QVERIFY2(hover.contains(QStringLiteral("[%1]").arg(QString::fromStdString(d->code))), qPrintable(hover));
        QVERIFY(hover.contains(QLatin1String("gvisor")));
        QVERIFY(e.hoverTextAt(line, from - 2).isEmpty());

        e.setCursorPosition(line, from + 1);
        QVERIFY(e.applyQuickFix());
        QCOMPARE(e.text(line).trimmed(), QStringLiteral("isolation: gvisor"));
        QVERIFY(waitForDiagnostics(e));
        QVERIFY(!osh::hasErrors(e.diagnostics()));
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, from), 0L);
    }

    void utf8BeforeTheError()
    {
        PolicyEditor e;
        e.setText(readExample());
        const int line = lineContaining(e, QStringLiteral("{path: /data/kb, permissions: read"));
        QVERIFY(line >= 0);
        typeOver(e, line, QStringLiteral("{path: /data/kb, permissions: read"),
                 QStringLiteral("{path: \"/data/ké😀\", permissions: read-wrte"));
        e.validateNow();
        const osh::Diagnostic *d = findDiag(e, "read-write");
        QString all;
        for (const auto &x : e.diagnostics())
            all += QString::fromStdString(x.format()) + QLatin1Char('\n');
        QVERIFY2(d, qPrintable(all));
        const QByteArray bytes = e.text(line).toUtf8();
        const int from = static_cast<int>(bytes.indexOf("read-wrte"));
        QVERIFY(from > bytes.indexOf("😀"));
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, from - 1), 0L);
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, from), 1L);
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, from + 8), 1L);
        QCOMPARE(indicatorAt(e, e.errorIndicator(), line, from + 9), 0L);
        QVERIFY(e.applyFix(e.fixableDiagnosticAt(line, from)));
        QVERIFY2(e.text(line).contains(QLatin1String("permissions: read-write,")), qPrintable(e.text(line)));
    }

    void completionInEditor()
    {
        PolicyEditor e;
        e.setText(readExample());
        const int line = lineContaining(e, QStringLiteral("isolation: gvisor"));
        const int at = static_cast<int>(e.text(line).toUtf8().indexOf("gvisor"));
        e.setCursorPosition(line, at + 2);
        QVERIFY(e.showCompletions());
        QVERIFY(e.isListActive());
        e.cancelList();
        e.setCursorPosition(line, at + 2); // after "gv"
        typeOver(e, line, QStringLiteral("gvisor"), QStringLiteral("fi"));
        e.setCursorPosition(line, at + 2);
        e.insertCompletion(QStringLiteral("firecracker?2"));
        QCOMPARE(e.text(line).trimmed(), QStringLiteral("isolation: firecracker"));
    }

    void findAndReplace()
    {
        PolicyEditor e;
        e.setText(readExample());
        osh::ui::FindBar bar(&e);
        const int occurrences = static_cast<int>(e.text().count(QLatin1String("human_queue")));
        QVERIFY(occurrences >= 2);
        bar.setFindText(QStringLiteral("human_queue"));
        QVERIFY(bar.findNext());
        QCOMPARE(e.selectedText(), QStringLiteral("human_queue"));
        int l1, i1, l2, i2;
        e.getSelection(&l1, &i1, &l2, &i2);
        QVERIFY(bar.findNext());
        int m1, j1, m2, j2;
        e.getSelection(&m1, &j1, &m2, &j2);
        QVERIFY(m1 > l1);
        bar.setReplaceText(QStringLiteral("ops_queue"));
        QVERIFY(bar.replaceCurrent());
        QCOMPARE(e.text().count(QLatin1String("ops_queue")), 1);
        QCOMPARE(bar.replaceAll(), occurrences - 1);
        QCOMPARE(e.text().count(QLatin1String("human_queue")), 0);
        bar.setFindText(QStringLiteral("no such text"));
        QVERIFY(!bar.findNext());

        bar.open(true);
        QVERIFY(bar.isVisibleTo(nullptr) || !bar.isHidden());
        QTest::keyClick(&bar, Qt::Key_Escape);
        QVERIFY(bar.isHidden());
        bar.open(false);
        QVERIFY(!bar.isHidden());
    }

    void goToPolicy()
    {
        PolicyEditor e;
        e.resize(800, 600);
        e.show();
        e.setText(readExample());
        e.validateNow();
        e.showGoTo();
        auto *popup = e.goToPopup();
        QVERIFY(popup);
        QVERIFY(popup->visibleCount() >= 12); // 5 policies, 3 egress, 2 fs, 3 tools
        popup->setFilterText(QStringLiteral("cost-limit"));
        QCOMPARE(popup->visibleCount(), 1);
        QVERIFY(popup->pickCurrent());
        int line, index;
        e.getCursorPosition(&line, &index);
        QCOMPARE(line, lineContaining(e, QStringLiteral("name: cost-limit")));

        e.showGoTo();
        popup->setFilterText(QStringLiteral("smtp.company.com"));
        QVERIFY(popup->visibleCount() >= 1);
        QVERIFY(popup->pickCurrent());
        e.getCursorPosition(&line, &index);
        QCOMPARE(line, lineContaining(e, QStringLiteral("tool: email_send")));
    }

    void staleResultsDropped()
    {
        PolicyEditor e;
        e.setText(readExample());
        e.validateNow();
        const auto before = e.diagnostics().size();
        const quint64 first = e.requestValidation();
        const int line = lineContaining(e, QStringLiteral("isolation: gvisor"));
        typeOver(e, line, QStringLiteral("gvisor"), QStringLiteral("gvisr"));
        const quint64 second = e.requestValidation();
        QVERIFY(second > first);

        osh::LoadResult fake;
        fake.diagnostics.push_back({"E999", osh::Severity::Error, {}, {1, 1}, {}, "stale", ""});
        QVERIFY(!e.applyValidation(first, fake));
        QCOMPARE(e.diagnostics().size(), before);

        QVERIFY(waitForDiagnostics(e));
        QVERIFY(findDiag(e, "gvisor"));
        for (const auto &d : e.diagnostics())
            QVERIFY(d.code != "E999");
    }
};

QTEST_MAIN(TestPolicyEditor)
#include "tst_policyeditor.moc"
