// The Commit… dialog's review on real temporary repositories: the semantic
// diff from HEAD, and a warning (that must be acknowledged before Commit is
// enabled) for each of: requests newly allowed, workspace policy tests that
// now fail, a block policy made unreachable by an earlier one. A harmless
// change shows the diff and no warning. Also through the History panel's
// Commit… button (the dialog it opens carries the review).

#include "history/commitdialog.h"
#include "history/commitreview.h"
#include "history/historypanel.h"
#include "history/semanticdiffview.h"
#include "shell/settings.h"
#include "uitestsupport.h"

#include "vcs/policyrepository.h"

#include <QApplication>
#include <QCheckBox>
#include <QPushButton>
#include <QTimer>

using namespace osh::ui;
using Kind = CommitWarning::Kind;

namespace {

// The committed version: a block on email, a block on shell, and a log.
const QByteArray kBase = R"(version: 1
name: shop
sandbox:
  isolation: gvisor
  max_memory_mb: 512
  max_execution_time_seconds: 60
  cleanup_policy: destroy
network:
  default_policy: deny-all
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
policies:
  - name: no-email
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
)";

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
        QTimer::singleShot(0, panel.get(), [&] {
            if (auto *dialog = qobject_cast<CommitDialog *>(QApplication::activeModalWidget())) {
                warnings = dialog->warningText();
                diffShown = !dialog->diffView()->isHidden();
                dialog->reject();
            }
        });
        panel->showCommitDialog();
        QVERIFY(diffShown);
        QVERIFY2(warnings.contains(QStringLiteral("email is blocked")), qPrintable(warnings));
    }
};

QTEST_MAIN(TstCommitDialog)
#include "tst_commitdialog.moc"
