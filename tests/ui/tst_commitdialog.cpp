// The Commit… dialog's review on real temporary repositories: the semantic
// diff from HEAD, and a warning (that must be acknowledged before Commit is
// enabled) for each of: requests newly allowed, workspace policy tests that
// now fail, a block policy made unreachable by an earlier one. A harmless
// change shows the diff and no warning. Failing cases are matched by
// position, so a duplicate name hides nothing, and a test file that does not
// load is a warning. The review runs on a worker thread (the dialog is busy
// meanwhile; closing it then is safe), and what is committed must be what
// was reviewed. Also through the History panel's Commit… button (the dialog
// it opens carries the review).

#include "history/commitdialog.h"
#include "history/commitreview.h"
#include "history/historypanel.h"
#include "history/semanticdiffview.h"
#include "shell/settings.h"
#include "uitestsupport.h"

#include "vcs/policyrepository.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>

using namespace osh::ui;
using Kind = CommitWarning::Kind;

namespace {

// The committed version: a block on email, a block on shell, and a log.
const QByteArray kBase = osh::test::minimalPolicy("shop", R"(  - name: no-email
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: block
    message: No email.
  - name: no-shell
    trigger: tool_call
    condition: tool.name == 'shell'
    action: block
    message: No shell.
  - name: log-search
    trigger: tool_call
    condition: tool.name == 'search'
    action: log
)");

// Covers no-email only (no-shell is untested on purpose).
const QByteArray kTests = R"(policy: ../main.policy.yaml
cases:
  - name: email is blocked
    request: {trigger: tool_call, tool: {name: email_send}}
    expect: {decision: block}
  - name: search is logged
    request: {trigger: tool_call, tool: {name: search}}
    expect: {decision: log}
)";

QByteArray replaced(QByteArray text, const QByteArray &from, const QByteArray &to)
{
    const auto at = text.indexOf(from);
    return at < 0 ? QByteArray() : text.replace(at, from.size(), to);
}

QStringList texts(const QList<CommitWarning> &warnings)
{
    QStringList out;
    for (const auto &w : warnings)
        out << w.text;
    return out;
}

// Calls step with the open Commit… dialog once its review is done (the panel
// runs the dialog modally, so this polls from its event loop). Gives up after
// 30 s, closing the dialog so that the test fails instead of hanging.
void whenReviewed(QObject *context, std::function<void(CommitDialog *)> step)
{
    auto *timer = new QTimer(context);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, context, [timer, clock, step = std::move(step)] {
        auto *dialog = qobject_cast<CommitDialog *>(QApplication::activeModalWidget());
        if (clock->elapsed() > 30000) {
            timer->stop();
            timer->deleteLater();
            if (dialog)
                dialog->reject();
            return;
        }
        if (!dialog || dialog->isReviewing())
            return;
        timer->stop();
        timer->deleteLater();
        step(dialog);
    });
    timer->start();
}

// A review job for the dialog that waits (on a worker, one hopes) until
// released, then returns a review with one warning saying tag.
struct HeldJob
{
    QSemaphore release;
    std::atomic<bool> finished{false};
    std::atomic<bool> sawCancel{false};
    std::atomic<QThread *> thread{nullptr};

    CommitDialog::ReviewJob job(const QString &tag)
    {
        return [this, tag](const std::atomic<bool> &cancelled) {
            thread = QThread::currentThread();
            const bool released = release.tryAcquire(1, 10000);
            sawCancel = cancelled.load();
            CommitReview r;
            r.warnings.push_back({Kind::NewlyAllowed, released ? tag : QStringLiteral("never released")});
            finished = true;
            return r;
        };
    }
};

} // namespace

class TstCommitDialog : public QObject
{
    Q_OBJECT

    std::unique_ptr<osh::test::TempWorkspace> m_ws;
    std::unique_ptr<Settings> m_settings;
    QString m_file;

    std::unique_ptr<HistoryPanel> makePanel()
    {
        auto panel = std::make_unique<HistoryPanel>();
        panel->setSettings(m_settings.get());
        panel->setWorkspace(m_ws->path());
        panel->setFile(m_file);
        return panel;
    }

    // Commits kBase, then writes next as the working file; the review of committing it.
    CommitReview reviewOf(const QByteArray &next)
    {
        auto panel = makePanel();
        if (!panel->commit(QStringLiteral("base")))
            return {};
        if (!m_ws->writeFile(QStringLiteral("main.policy.yaml"), next))
            return {};
        return panel->reviewCommit();
    }

    QByteArray headContent() const
    {
        auto repo = osh::vcs::PolicyRepository::discover(m_file);
        if (!repo)
            return {};
        auto content = repo->contentAt(QStringLiteral("HEAD"), m_file);
        return content ? *content : QByteArray();
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<osh::test::TempWorkspace>();
        QVERIFY(m_ws->isValid());
        m_settings = std::make_unique<Settings>(m_ws->filePath(QStringLiteral("studio.ini")));
        m_settings->setAuthorName(QStringLiteral("Carol Tester"));
        m_settings->setAuthorEmail(QStringLiteral("carol@example.org"));
        m_file = m_ws->filePath(QStringLiteral("main.policy.yaml"));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), kBase));
        QVERIFY(m_ws->writeFile(QStringLiteral("tests/main.yaml"), kTests));
    }

    void cleanup()
    {
        m_settings.reset();
        m_ws.reset();
    }

    void harmlessChangeHasNoWarnings()
    {
        const CommitReview review = reviewOf(replaced(kBase, "No email.", "Email is not allowed here."));
        QVERIFY(review.diff.has_value());
        QCOMPARE(review.diff->changes.size(), std::size_t(1));
        QVERIFY2(!review.hasWarnings(), qPrintable(texts(review.warnings).join(QLatin1Char('\n'))));
        QCOMPARE(review.testCases, 2);

        CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                            QStringLiteral("Carol <carol@example.org>"));
        dialog.setReview(review);
        QVERIFY(!dialog.diffView()->isHidden());
        QCOMPARE(dialog.diffView()->model()->semanticDiff().changes.size(), std::size_t(1));
        QVERIFY(dialog.warningText().isEmpty());
        QVERIFY(dialog.acknowledgeBox()->isHidden());
        QCOMPARE(dialog.commitButton()->text(), QStringLiteral("Commit"));
        dialog.setMessage(QStringLiteral("Reword"));
        QVERIFY(dialog.commitButton()->isEnabled());
    }

    void newlyAllowedWarns()
    {
        // no-shell removed: shell calls, blocked at HEAD, now go ahead. No test covers it.
        const QByteArray next = replaced(kBase, "  - name: no-shell\n    trigger: tool_call\n    condition: tool.name == "
                                                "'shell'\n    action: block\n    message: No shell.\n",
                                         "");
        QVERIFY(!next.isEmpty());
        const CommitReview review = reviewOf(next);
        QVERIFY(review.diff.has_value());
        const QStringList allowed = texts(review.warningsOf(Kind::NewlyAllowed));
        QCOMPARE(allowed.size(), 1);
        QVERIFY2(allowed.first().contains(QStringLiteral("no-shell")), qPrintable(allowed.first()));
        QVERIFY(review.warningsOf(Kind::TestFails).isEmpty());
        QVERIFY(review.warningsOf(Kind::UnreachableBlock).isEmpty());

        // An escalation turned into an allow is newly allowed too.
        const QByteArray escalated = replaced(kBase, "action: block\n    message: No shell.", "action: escalate\n    message: No shell.");
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), escalated));
        auto panel = makePanel();
        QVERIFY(panel->commit(QStringLiteral("escalate shell")));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"),
                                replaced(escalated, "action: escalate", "action: allow")));
        QCOMPARE(panel->reviewCommit().warningsOf(Kind::NewlyAllowed).size(), 1);
        // So is one turned into a throttle (the calls go ahead, only later)
        // or a redaction (they go ahead with their PII replaced).
        for (const char *after : {"action: throttle\n    delay_seconds: 5\n    message: No shell.",
                                  "action: redact\n    message: No shell."}) {
            QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"),
                                    replaced(escalated, "action: escalate\n    message: No shell.", after)));
            const CommitReview late = panel->reviewCommit();
            QVERIFY2(late.warningsOf(Kind::DoesNotLoad).isEmpty(), after);
            const QStringList warned = texts(late.warningsOf(Kind::NewlyAllowed));
            QVERIFY2(warned.filter(QStringLiteral("action changed from escalate")).size() == 1,
                     qPrintable(warned.join(QStringLiteral(" | "))));
        }

        CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                            QStringLiteral("Carol <carol@example.org>"));
        dialog.setReview(review);
        QVERIFY2(dialog.warningText().contains(QStringLiteral("Newly allowed")), qPrintable(dialog.warningText()));
        QVERIFY(dialog.warningText().contains(QStringLiteral("no-shell")));
        // Committing stays possible once the warnings are acknowledged.
        dialog.setMessage(QStringLiteral("Allow the shell"));
        QVERIFY(!dialog.acknowledgeBox()->isHidden());
        QVERIFY(!dialog.commitButton()->isEnabled());
        QCOMPARE(dialog.commitButton()->text(), QStringLiteral("Commit with warnings"));
        dialog.acknowledgeBox()->setChecked(true);
        QVERIFY(dialog.commitButton()->isEnabled());
        dialog.acknowledgeBox()->setChecked(false);
        QVERIFY(!dialog.commitButton()->isEnabled());
    }

    void failingTestsWarn()
    {
        // A condition typo: the effect is unknown to the diff, but the email test now fails.
        const CommitReview review = reviewOf(replaced(kBase, "tool.name == 'email_send'", "tool.name == 'email_sender'"));
        QVERIFY(review.warningsOf(Kind::NewlyAllowed).isEmpty());
        const QStringList failing = texts(review.warningsOf(Kind::TestFails));
        QCOMPARE(failing.size(), 1);
        QVERIFY2(failing.first().contains(QStringLiteral("tests/main.yaml › email is blocked")), qPrintable(failing.first()));
        QVERIFY2(failing.first().contains(QStringLiteral("expected block")), qPrintable(failing.first()));

        CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                            QStringLiteral("Carol <carol@example.org>"));
        dialog.setReview(review);
        QVERIFY2(dialog.warningText().contains(QStringLiteral("Policy test fails")), qPrintable(dialog.warningText()));
        dialog.setMessage(QStringLiteral("Typo"));
        QVERIFY(!dialog.commitButton()->isEnabled());
    }

    void testsThatAlreadyFailedAtHeadDoNotWarn()
    {
        QVERIFY(m_ws->writeFile(QStringLiteral("tests/main.yaml"),
                                replaced(kTests, "expect: {decision: log}", "expect: {decision: block}")));
        const CommitReview review = reviewOf(replaced(kBase, "No email.", "Nope."));
        QVERIFY2(!review.hasWarnings(), qPrintable(texts(review.warnings).join(QLatin1Char('\n'))));
    }

    void unreachableBlockWarns()
    {
        // log-search moved first and widened to every tool call: both blocks are shadowed.
        const QByteArray log = "  - name: log-search\n    trigger: tool_call\n    condition: tool.name == 'search'\n"
                               "    action: log\n";
        QByteArray next = replaced(kBase, log, "");
        next = replaced(next, "policies:\n", "policies:\n  - name: log-search\n    trigger: tool_call\n"
                                             "    condition: \"true\"\n    action: log\n");
        QVERIFY(!next.isEmpty());
        const CommitReview review = reviewOf(next);
        const QStringList unreachable = texts(review.warningsOf(Kind::UnreachableBlock));
        QCOMPARE(unreachable.size(), 2);
        QVERIFY2(unreachable.at(0).contains(QStringLiteral("'no-email' is shadowed by 'log-search'")),
                 qPrintable(unreachable.at(0)));
        QVERIFY2(unreachable.at(1).contains(QStringLiteral("'no-shell' is shadowed by 'log-search'")),
                 qPrintable(unreachable.at(1)));

        CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                            QStringLiteral("Carol <carol@example.org>"));
        dialog.setReview(review);
        QVERIFY2(dialog.warningText().contains(QStringLiteral("Unreachable block")), qPrintable(dialog.warningText()));
    }

    void theCommitButtonOpensTheReview()
    {
        auto panel = makePanel();
        QVERIFY(panel->commit(QStringLiteral("base")));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"),
                                replaced(kBase, "tool.name == 'email_send'", "tool.name == 'email_sender'")));
        panel->refresh();
        QString warnings;
        bool diffShown = false;
        whenReviewed(panel.get(), [&](CommitDialog *dialog) {
            warnings = dialog->warningText();
            diffShown = !dialog->diffView()->isHidden();
            dialog->reject();
        });
        panel->showCommitDialog();
        QVERIFY(diffShown);
        QVERIFY2(warnings.contains(QStringLiteral("email is blocked")), qPrintable(warnings));
    }

    void duplicateCaseNamesAreDistinctCases()
    {
        // Two cases named alike: the first passes at HEAD and fails with the
        // typo, the second fails with both. By name, the second's HEAD
        // failure hid the first one's regression.
        QVERIFY(m_ws->writeFile(QStringLiteral("tests/main.yaml"),
                                kTests + "  - name: email is blocked\n"
                                         "    request: {trigger: tool_call, tool: {name: search}}\n"
                                         "    expect: {decision: block}\n"));
        const CommitReview review = reviewOf(replaced(kBase, "tool.name == 'email_send'", "tool.name == 'email_sender'"));
        QCOMPARE(review.testCases, 3);
        const QStringList failing = texts(review.warningsOf(Kind::TestFails));
        QCOMPARE(failing.size(), 1);
        // The first case (line 3), named with its line since its name is not unique.
        QVERIFY2(failing.first().contains(QStringLiteral("tests/main.yaml › email is blocked (line 3) fails")),
                 qPrintable(failing.first()));
        QVERIFY2(failing.first().contains(QStringLiteral("expected block")), qPrintable(failing.first()));
    }

    void testFilesThatDoNotLoadWarn()
    {
        // tests/main.yaml (for this file) loses a case's expect; tests/broken.yaml
        // is not even YAML (which policy it tests is unknown); tests/other.yaml
        // tests another policy file, so its errors are not this commit's business.
        QVERIFY(m_ws->writeFile(QStringLiteral("tests/main.yaml"),
                                replaced(kTests, "    expect: {decision: log}\n", "")));
        QVERIFY(m_ws->writeFile(QStringLiteral("tests/broken.yaml"), "cases: [\n  - name: x\n"));
        QVERIFY(m_ws->writeFile(QStringLiteral("other.policy.yaml"), kBase));
        QVERIFY(m_ws->writeFile(QStringLiteral("tests/other.yaml"),
                                replaced(replaced(kTests, "../main.policy.yaml", "../other.policy.yaml"),
                                         "    expect: {decision: log}\n", "")));
        const CommitReview review = reviewOf(replaced(kBase, "No email.", "Nope."));
        const QStringList broken = texts(review.warningsOf(Kind::TestsDoNotLoad));
        QCOMPARE(broken.size(), 2);
        QVERIFY2(broken.at(0).contains(QStringLiteral("tests/broken.yaml do not load")), qPrintable(broken.at(0)));
        QVERIFY2(broken.at(1).contains(QStringLiteral("tests/main.yaml do not load")), qPrintable(broken.at(1)));
        QVERIFY2(broken.at(1).contains(QStringLiteral("needs an 'expect'")), qPrintable(broken.at(1)));
        QCOMPARE(review.warnings.size(), 2);
        QCOMPARE(review.testCases, 0);

        CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                            QStringLiteral("Carol <carol@example.org>"));
        dialog.setReview(review);
        QVERIFY2(dialog.warningText().contains(QStringLiteral("Policy tests do not load")), qPrintable(dialog.warningText()));
        dialog.setMessage(QStringLiteral("Reword"));
        QVERIFY(!dialog.commitButton()->isEnabled()); // to be acknowledged
    }

    void reviewRunsOnAWorkerWhileTheDialogIsBusy()
    {
        HeldJob held;
        CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                            QStringLiteral("Carol <carol@example.org>"));
        dialog.setMessage(QStringLiteral("Change"));
        QVERIFY(dialog.commitButton()->isEnabled());
        QSignalSpy finished(&dialog, &CommitDialog::reviewFinished);
        dialog.startReview(held.job(QStringLiteral("from the worker")));
        // startReview returned while the job is still held: it is not on this thread.
        QVERIFY(dialog.isReviewing());
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Reviewing…")), qPrintable(dialog.statusText()));
        QVERIFY(!dialog.commitButton()->isEnabled());
        QVERIFY(dialog.warningText().isEmpty());
        QTest::qWait(20);
        QVERIFY(dialog.isReviewing());
        QVERIFY(!held.finished);

        held.release.release();
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(held.thread != nullptr);
        QVERIFY(held.thread != QThread::currentThread());
        QVERIFY(!dialog.isReviewing());
        QVERIFY(dialog.statusText().isEmpty());
        QVERIFY2(dialog.warningText().contains(QStringLiteral("from the worker")), qPrintable(dialog.warningText()));
        QVERIFY(!dialog.commitButton()->isEnabled());
        dialog.acknowledgeBox()->setChecked(true);
        QVERIFY(dialog.commitButton()->isEnabled());
    }

    void aReplacedOrAbandonedReviewIsDropped()
    {
        // A newer review replaces a running one: the older result, though it
        // arrives, is not shown.
        auto first = std::make_shared<HeldJob>();
        auto second = std::make_shared<HeldJob>();
        {
            CommitDialog dialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                                QStringLiteral("Carol <carol@example.org>"));
            dialog.startReview(first->job(QStringLiteral("first")));
            dialog.startReview(second->job(QStringLiteral("second")));
            first->release.release();
            QTRY_VERIFY(first->finished);
            QVERIFY(first->sawCancel);
            // Its result is posted once its runnable is done; deliver it.
            QTRY_COMPARE(QThreadPool::globalInstance()->activeThreadCount(), 1);
            QCoreApplication::processEvents();
            QVERIFY(dialog.isReviewing());
            QVERIFY(dialog.warningText().isEmpty());
            second->release.release();
            QTRY_VERIFY(!dialog.isReviewing());
            QVERIFY2(dialog.warningText().contains(QStringLiteral("second")), qPrintable(dialog.warningText()));
            QVERIFY(!dialog.warningText().contains(QStringLiteral("first")));
        }
        // Closed and destroyed while its review runs: the review is told to
        // stop and its result, delivered later, goes nowhere.
        auto abandoned = std::make_shared<HeldJob>();
        auto *dialog = new CommitDialog(QStringLiteral("main.policy.yaml"), QStringLiteral("modified"),
                                        QStringLiteral("Carol <carol@example.org>"));
        dialog->show();
        dialog->startReview(abandoned->job(QStringLiteral("too late")));
        QTRY_VERIFY(abandoned->thread != nullptr);
        dialog->reject();
        delete dialog;
        abandoned->release.release();
        QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
        QVERIFY(abandoned->finished);
        QVERIFY(abandoned->sawCancel);
        QCoreApplication::processEvents(); // the posted result goes nowhere
    }

    void theCommitIsWhatWasReviewed()
    {
        auto panel = makePanel();
        QVERIFY(panel->commit(QStringLiteral("base")));
        const QByteArray reviewed = replaced(kBase, "No email.", "Email is not allowed.");
        const QByteArray changed = replaced(kBase, "tool.name == 'email_send'", "tool.name == 'email_sender'");
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), reviewed));
        panel->refresh();
        auto head = [this] { return headContent(); };

        bool stayedOpen = false;
        bool commitDisabled = false;
        bool offeredReview = false;
        QString status;
        QByteArray headAfterRefusal;
        QString secondWarnings;
        whenReviewed(panel.get(), [&](CommitDialog *dialog) {
            dialog->setMessage(QStringLiteral("Reword"));
            if (!dialog->commitButton()->isEnabled())
                return dialog->reject(); // the reviewed change is harmless: no warning to acknowledge
            // Changed on disk after the review, before Commit is pressed.
            QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), changed));
            dialog->commitButton()->click();
            QCoreApplication::processEvents();
            stayedOpen = dialog->isVisible();
            status = dialog->statusText();
            commitDisabled = !dialog->commitButton()->isEnabled();
            offeredReview = !dialog->reviewAgainButton()->isHidden();
            headAfterRefusal = head();
            if (!stayedOpen)
                return;
            // Reviewed again: now the typo's failing test shows, and after
            // acknowledging it the new content is committed.
            dialog->reviewAgainButton()->click();
            whenReviewed(dialog, [&](CommitDialog *again) {
                secondWarnings = again->warningText();
                again->acknowledgeBox()->setChecked(true);
                again->commitButton()->click();
            });
        });
        panel->showCommitDialog();
        QVERIFY(stayedOpen);
        QVERIFY2(status.contains(QStringLiteral("changed on disk since it was reviewed")), qPrintable(status));
        QVERIFY(commitDisabled);
        QVERIFY(offeredReview);
        QCOMPARE(headAfterRefusal, kBase);
        QVERIFY2(secondWarnings.contains(QStringLiteral("email is blocked")), qPrintable(secondWarnings));
        QCOMPARE(head(), changed);
    }

    void thePanelRefusesContentOtherThanReviewed()
    {
        // The panel checks again right before committing (the file could
        // change between the dialog's check and the commit).
        auto panel = makePanel();
        QVERIFY(panel->commit(QStringLiteral("base")));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), replaced(kBase, "No email.", "Nope.")));
        const CommitReview review = panel->reviewCommit();
        QCOMPARE(review.contentSha256, CommitReview::sha256Of(replaced(kBase, "No email.", "Nope.")));
        QVERIFY(m_ws->writeFile(QStringLiteral("main.policy.yaml"), replaced(kBase, "No email.", "No!")));
        QSignalSpy messages(panel.get(), &HistoryPanel::message);
        QVERIFY(!panel->commit(QStringLiteral("unreviewed"), review.contentSha256));
        QCOMPARE(messages.size(), 1);
        QVERIFY(messages.first().at(1).toBool());
        QVERIFY2(messages.first().at(0).toString().contains(QStringLiteral("changed since it was reviewed")),
                 qPrintable(messages.first().at(0).toString()));
        QCOMPARE(headContent(), kBase);
        QVERIFY(panel->commit(QStringLiteral("reviewed"), panel->reviewCommit().contentSha256));
    }
};

QTEST_MAIN(TstCommitDialog)
#include "tst_commitdialog.moc"
