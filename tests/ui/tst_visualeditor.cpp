// VisualEditor over a PolicyEditor holding the customer-support example:
// form edits change exactly the expected text and keep the comments,
// policies reorder through the model (moveRows and a drop), text edits
// refresh the forms without clobbering a field being typed in, diagnostics
// land on the right row and field, a reorder that shadows a policy is named
// in a warning, and undo restores the text. Every model runs under
// QAbstractItemModelTester.
#include "shell/mainwindow.h"
#include "model/policyloader.h"
#include "model/policyvalidator.h"
#include "editor/policyeditor.h"
#include "visual/policyshadowing.h"
#include "visual/visualeditor.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTranslator>
#include <QTest>

using namespace osh;
using osh::ui::MainWindow;
using osh::ui::PolicyEditor;
using osh::ui::SequenceModel;
using osh::ui::VisualEditor;

namespace {

QString readExample()
{
    QFile f(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support/customer-support.policy.yaml"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QStringList policyNames(const QString &text)
{
    QStringList names;
    const auto r = PolicyLoader::loadText(text.toStdString(), "t.yaml");
    if (r.document)
        for (const auto &p : r.document->policies)
            names << QString::fromStdString(p.name);
    return names;
}

QString replaced(QString text, const QString &from, const QString &to)
{
    const auto at = text.indexOf(from);
    if (at < 0)
        return {};
    return text.replace(at, from.size(), to);
}

// Commits a line edit as the user would: typed text, then Enter.
void typeInto(QLineEdit *line, const QString &text)
{
    line->setText(text);
    line->setModified(true);
    Q_EMIT line->editingFinished();
}

void choose(QComboBox *box, const QString &value)
{
    const int i = box->findData(value);
    QVERIFY(i >= 0);
    box->setCurrentIndex(i);
    Q_EMIT box->activated(i);
}

} // namespace

class TestVisualEditor : public QObject
{
    Q_OBJECT

private:
    QString m_original;
    std::unique_ptr<PolicyEditor> m_text;
    std::unique_ptr<VisualEditor> m_visual;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;

private Q_SLOTS:
    void init()
    {
        m_original = readExample();
        QVERIFY(!m_original.isEmpty());
        m_text = std::make_unique<PolicyEditor>();
        m_text->setText(m_original);
        m_text->validateNow();
        m_visual = std::make_unique<VisualEditor>();
        for (QAbstractItemModel *m : {static_cast<QAbstractItemModel *>(m_visual->policies()),
                                       static_cast<QAbstractItemModel *>(m_visual->networkRules()),
                                       static_cast<QAbstractItemModel *>(m_visual->filesystemRules()),
                                       static_cast<QAbstractItemModel *>(m_visual->environment()),
                                       static_cast<QAbstractItemModel *>(m_visual->hosts())})
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
                m, QAbstractItemModelTester::FailureReportingMode::QtTest));
        m_visual->setTextEditor(m_text.get());
    }

    void cleanup()
    {
        m_testers.clear();
        m_visual.reset();
        m_text.reset();
    }

    void modelsShowTheText()
    {
        auto *p = m_visual->policies();
        QCOMPARE(p->rowCount(), 6);
        QCOMPARE(p->index(0, 0).data().toString(), QStringLiteral("pii-redact"));
        QCOMPARE(p->index(1, 2).data().toString(), QStringLiteral("block"));
        QCOMPARE(p->index(3, 3).data().toString(), QStringLiteral("tool.name == 'email_send'"));
        QCOMPARE(m_visual->networkRules()->rowCount(), 3);
        QCOMPARE(m_visual->networkRules()->index(2, 2).data().toString(), QStringLiteral("587"));
        QCOMPARE(m_visual->filesystemRules()->index(1, 3).data().toString(), QStringLiteral(".txt, .json, .md, .csv"));
        // Absent keys show their default, marked as not written.
        QCOMPARE(m_visual->filesystemRules()->index(0, 6).data().toString(), QStringLiteral("true"));
        QVERIFY(!m_visual->filesystemRules()->index(0, 6).data(SequenceModel::WrittenRole).toBool());
        auto *memory = qobject_cast<QLineEdit *>(m_visual->sandboxForm()->field(QStringLiteral("max_memory_mb")));
        QCOMPARE(memory->text(), QStringLiteral("2048"));
        auto *iso = qobject_cast<QComboBox *>(m_visual->sandboxForm()->field(QStringLiteral("isolation")));
        QCOMPARE(iso->currentData().toString(), QStringLiteral("gvisor"));
    }

    void formEditChangesOnlyItsLine()
    {
        auto *memory = qobject_cast<QLineEdit *>(m_visual->sandboxForm()->field(QStringLiteral("max_memory_mb")));
        typeInto(memory, QStringLiteral("4096"));
        QCOMPARE(m_text->text(), replaced(m_original, QStringLiteral("max_memory_mb: 2048"),
                                          QStringLiteral("max_memory_mb: 4096")));
        // A key that is not written yet is added to its mapping.
        typeInto(qobject_cast<QLineEdit *>(m_visual->sandboxForm()->field(QStringLiteral("max_processes"))),
                 QStringLiteral("20"));
        QVERIFY(m_text->text().contains(QStringLiteral("    TZ: UTC\n  max_processes: 20\nnetwork:")));
        QVERIFY(m_text->text().startsWith(QStringLiteral("# Customer-support agent")));
        // Choosing the default removes the key.
        auto *cleanupBox = qobject_cast<QComboBox *>(m_visual->sandboxForm()->field(QStringLiteral("cleanup_policy")));
        QCOMPARE(cleanupBox->currentData().toString(), QStringLiteral("snapshot"));
        cleanupBox->setCurrentIndex(0);
        Q_EMIT cleanupBox->activated(0);
        QVERIFY(!m_text->text().contains(QStringLiteral("cleanup_policy")));
        // Undo: one step per form change.
        m_text->undo();
        m_text->undo();
        m_text->undo();
        QCOMPARE(m_text->text(), m_original);
        m_text->validateNow();
        QCOMPARE(memory->text(), QStringLiteral("2048"));
    }

    void policyFormEdits()
    {
        m_visual->selectPolicy(3);
        auto *form = m_visual->policyForm();
        auto *name = qobject_cast<QLineEdit *>(form->field(QStringLiteral("name")));
        QCOMPARE(name->text(), QStringLiteral("email-approval"));
        choose(qobject_cast<QComboBox *>(form->field(QStringLiteral("action"))), QStringLiteral("block"));
        typeInto(qobject_cast<QLineEdit *>(form->field(QStringLiteral("message"))), QStringLiteral("No: email # off"));
        const QString expected = replaced(
            replaced(m_original, QStringLiteral("    action: escalate\n    message: Email requires human approval before sending."),
                     QStringLiteral("    action: block\n    message: 'No: email # off'")),
            QString(), QString());
        QCOMPARE(m_text->text(), expected);
        QCOMPARE(m_visual->selectedPolicy(), 3);
        QCOMPARE(m_visual->policies()->index(3, 2).data().toString(), QStringLiteral("block"));
        const auto r = PolicyLoader::loadText(m_text->text().toStdString(), "t.yaml");
        QCOMPARE(r.document->policies[3].message, std::string("No: email # off"));
        QCOMPARE(r.document->policies[3].action, Action::Block);
    }

    void reorderThroughTheModel()
    {
        auto *p = m_visual->policies();
        const QStringList before = policyNames(m_original);
        QSignalSpy moved(p, &QAbstractItemModel::rowsMoved);
        // Drag the first policy to the end.
        QVERIFY(p->moveRows(QModelIndex(), 0, 1, QModelIndex(), p->rowCount()));
        QCOMPARE(moved.count(), 1);
        QStringList expected = before;
        expected.move(0, expected.size() - 1);
        QCOMPARE(policyNames(m_text->text()), expected);
        QCOMPARE(p->index(5, 0).data().toString(), before.front());
        QVERIFY(m_text->text().startsWith(QStringLiteral("# Customer-support agent")));
        // Drop it back on top, as the view does after a drag.
        std::unique_ptr<QMimeData> data(p->mimeData({p->index(5, 0)}));
        QVERIFY(data->hasFormat(SequenceModel::kMimeType));
        QVERIFY(p->canDropMimeData(data.get(), Qt::MoveAction, 0, 0, QModelIndex()));
        QVERIFY(p->dropMimeData(data.get(), Qt::MoveAction, 0, 0, QModelIndex()));
        QCOMPARE(m_text->text(), m_original);
        // Each move is one undo step.
        m_text->undo();
        QCOMPARE(policyNames(m_text->text()), expected);
        m_text->undo();
        QCOMPARE(m_text->text(), m_original);
        // The form follows the dragged policy, not the row number it had.
        m_text->validateNow();
        m_visual->selectPolicy(3);
        auto *name = qobject_cast<QLineEdit *>(m_visual->policyForm()->field(QStringLiteral("name")));
        QCOMPARE(name->text(), before.at(3));
        std::unique_ptr<QMimeData> dragged(p->mimeData({p->index(3, 0)}));
        QVERIFY(p->dropMimeData(dragged.get(), Qt::MoveAction, 2, 0, QModelIndex()));
        QCOMPARE(policyNames(m_text->text()).at(2), before.at(3));
        QCOMPARE(m_visual->selectedPolicy(), 2);
        QCOMPARE(name->text(), before.at(3));
        m_text->undo();
        QCOMPARE(m_text->text(), m_original);
        // Move up / down buttons.
        m_text->validateNow();
        m_visual->selectPolicy(2);
        m_visual->moveSelectedPolicy(-1);
        QCOMPARE(m_visual->selectedPolicy(), 1);
        QCOMPARE(policyNames(m_text->text()).at(1), before.at(2));
        // Rules reorder the same way; flow-style items keep their style.
        auto *fs = m_visual->filesystemRules();
        QVERIFY(fs->moveRows(QModelIndex(), 1, 1, QModelIndex(), 0));
        QVERIFY(m_text->text().contains(QStringLiteral(
            "  rules:\n    - {path: /agent/workspace, permissions: read-write, allowed_extensions: [.txt, .json, "
            ".md, .csv], max_total_size_mb: 100}\n    - {path: /data/kb, permissions: read, source: kb}\n")));
    }

    void shadowingsKeepTheirNames()
    {
        // Names are the validator's data, never read back from W065's
        // message: one that looks like that message stays whole, and the
        // reason is the studio's own sentence.
        const auto doc = PolicyValidator::checkFile(OSH_TEST_DATA_DIR "/shadowing/names.policy.yaml").document;
        QVERIFY(doc);
        const QList<ui::PolicyShadowing> s = ui::policyShadowings(doc.get());
        QCOMPARE(s.size(), 3);
        QCOMPARE(s[0].policy, QStringLiteral("later"));
        QCOMPARE(s[0].by, QStringLiteral("all' can never fire: 'x' (line 9)"));
        QCOMPARE(ui::describeShadowing(s[0]),
                 QStringLiteral("Policy 'later' is shadowed by 'all' can never fire: 'x' (line 9)', which has the same "
                                "trigger and always matches: 'later' can never fire."));
        QCOMPARE(ui::describeShadowing(s[1]),
                 QStringLiteral("Policy 'covered' is shadowed by 'mail', which has the same trigger and matches every "
                                "request whose tool.name is \"b\": 'covered' can never fire."));
        QVERIFY(ui::describeShadowing(s[2]).contains(QStringLiteral("the same condition")));
        QVERIFY(ui::policyShadowings(nullptr).isEmpty());
    }

    void shadowingReasonsAreTranslated()
    {
        // Each reason is a sentence of its own in the translation, not the
        // validator's English spliced into a translated frame.
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(":/i18n/openshell_de.qm")));
        QCoreApplication::installTranslator(&german);
        const auto doc = PolicyValidator::checkFile(OSH_TEST_DATA_DIR "/shadowing/names.policy.yaml").document;
        QVERIFY(doc);
        const QList<ui::PolicyShadowing> s = ui::policyShadowings(doc.get());
        QStringList texts;
        for (const auto &one : s)
            texts << ui::describeShadowing(one);
        QCoreApplication::removeTranslator(&german);
        QCOMPARE(texts.size(), 3);
        QCOMPARE(texts[0], QStringLiteral("Richtlinie 'later' wird von 'all' can never fire: 'x' (line 9)' verdeckt, "
                                          "die denselben Auslöser hat und immer zutrifft: 'later' kann nie greifen."));
        QVERIFY2(texts[1].contains(QStringLiteral("jede Anfrage trifft, deren tool.name \"b\" ist")),
                 qPrintable(texts[1]));
        QVERIFY2(texts[2].contains(QStringLiteral("dieselbe Bedingung")), qPrintable(texts[2]));
        for (const auto &t : std::as_const(texts))
            QVERIFY2(!t.contains(QStringLiteral("has the same trigger")), qPrintable(t));
    }

    void reorderWarnsAboutShadowing()
    {
        // email-approval (tool.name == 'email_send', escalate) above
        // no-cards-in-email (the same tool and a card number, block) always
        // decides first: the block can never fire.
        const QStringList before = policyNames(m_original);
        const int approval = int(before.indexOf(QStringLiteral("email-approval")));
        const int cards = int(before.indexOf(QStringLiteral("no-cards-in-email")));
        QCOMPARE(approval, cards + 1);
        QVERIFY2(m_visual->shadowWarning().isEmpty(), qPrintable(m_visual->shadowWarning()));
        auto *label = m_visual->findChild<QLabel *>(QStringLiteral("shadowWarning"));
        QVERIFY(label);
        QVERIFY(label->isHidden());

        m_visual->selectPolicy(approval);
        m_visual->moveSelectedPolicy(-1);
        QCOMPARE(policyNames(m_text->text()).at(cards), QStringLiteral("email-approval"));
        QCOMPARE(m_visual->shadowings().size(), 1);
        QCOMPARE(m_visual->shadowings().first().policy, QStringLiteral("no-cards-in-email"));
        QCOMPARE(m_visual->shadowings().first().by, QStringLiteral("email-approval"));
        const QString warning = m_visual->shadowWarning();
        QVERIFY2(warning.contains(QStringLiteral("Policy 'no-cards-in-email' is shadowed by 'email-approval'")),
                 qPrintable(warning));
        QVERIFY(!label->isHidden());

        // Moving it back clears the warning.
        QCOMPARE(m_visual->selectedPolicy(), cards);
        m_visual->moveSelectedPolicy(1);
        QCOMPARE(m_text->text(), m_original);
        QVERIFY2(m_visual->shadowWarning().isEmpty(), qPrintable(m_visual->shadowWarning()));
        QVERIFY(m_visual->shadowings().isEmpty());
        QVERIFY(label->isHidden());

        // A drag does the same; undoing it clears the warning too.
        auto *p = m_visual->policies();
        std::unique_ptr<QMimeData> dragged(p->mimeData({p->index(approval, 0)}));
        QVERIFY(p->dropMimeData(dragged.get(), Qt::MoveAction, cards, 0, QModelIndex()));
        QVERIFY2(m_visual->shadowWarning().contains(QStringLiteral("'no-cards-in-email' is shadowed by 'email-approval'")),
                 qPrintable(m_visual->shadowWarning()));
        m_text->undo();
        m_text->validateNow();
        QCOMPARE(m_text->text(), m_original);
        QVERIFY2(m_visual->shadowWarning().isEmpty(), qPrintable(m_visual->shadowWarning()));
    }

    void tableCellEdits()
    {
        auto *net = m_visual->networkRules();
        QVERIFY(net->setData(net->index(1, 1), QStringLiteral("jira.company.com, *.atlassian.net")));
        QVERIFY(m_text->text().contains(QStringLiteral("allowed_hosts: [jira.company.com, '*.atlassian.net']")));
        QVERIFY(net->setData(net->index(0, 5), QStringLiteral("10/minute")));
        QVERIFY(m_text->text().contains(QStringLiteral("      protocol: https\n      rate_limit: 10/minute\n    - tool: ticket_api")));
        auto *fs = m_visual->filesystemRules();
        QVERIFY(fs->setData(fs->index(0, 6), QStringLiteral("false")));
        QVERIFY(m_text->text().contains(QStringLiteral("{path: /data/kb, permissions: read, source: kb, block_symlinks: false}")));
        // Clearing a cell removes the key.
        QVERIFY(fs->setData(fs->index(0, 2), QString()));
        QVERIFY(m_text->text().contains(QStringLiteral("{path: /data/kb, permissions: read, block_symlinks: false}")));
    }

    void mapTables()
    {
        auto *env = m_visual->environment();
        QCOMPARE(env->rowCount(), 2);
        QCOMPARE(env->index(1, 0).data().toString(), QStringLiteral("TZ"));
        QVERIFY(env->setData(env->index(1, 1), QStringLiteral("Europe/Paris")));
        QVERIFY(m_text->text().contains(QStringLiteral("    LANG: C.UTF-8\n    TZ: Europe/Paris\nnetwork:")));
        QVERIFY(env->setData(env->index(0, 0), QStringLiteral("API_TOKEN")));
        QVERIFY(m_text->text().contains(QStringLiteral("    API_TOKEN: C.UTF-8\n")));
        // The validator's warning about a secret-looking name lands on that entry.
        QCOMPARE(env->index(0, 0).data(osh::ui::MapModel::SeverityRole).toInt(), static_cast<int>(Severity::Warning));
        QCOMPARE(env->index(1, 0).data(osh::ui::MapModel::SeverityRole).toInt(), -1);
        QVERIFY(env->addEntry(QStringLiteral("HOME"), QStringLiteral("/agent/workspace")));
        QCOMPARE(env->rowCount(), 3);
        QVERIFY(m_text->text().contains(QStringLiteral("    TZ: Europe/Paris\n    HOME: /agent/workspace\nnetwork:")));
        QVERIFY(!env->addEntry(QStringLiteral("HOME"), QStringLiteral("x"))); // already there
        QVERIFY(env->removeEntry(0));
        QCOMPARE(env->rowCount(), 2);
        QVERIFY(!m_text->text().contains(QStringLiteral("API_TOKEN")));
        auto *hosts = m_visual->hosts();
        QCOMPARE(hosts->rowCount(), 3);
        QCOMPARE(hosts->index(2, 1).data().toString(), QStringLiteral("127.0.0.4"));
    }

    void addAndRemovePolicies()
    {
        m_visual->selectPolicy(0);
        m_visual->addPolicy();
        QCOMPARE(m_visual->policies()->rowCount(), 7);
        QCOMPARE(m_visual->selectedPolicy(), 1);
        QCOMPARE(policyNames(m_text->text()).at(1), QStringLiteral("new-policy-7"));
        QVERIFY(m_text->text().contains(QStringLiteral(
            "    action: redact\n  - name: new-policy-7\n    trigger: tool_call\n    condition: 'true'\n    action: log\n"
            "  - name: cost-limit")));
        m_visual->removeSelectedPolicy();
        QCOMPARE(m_text->text(), m_original);
        QCOMPARE(m_visual->policies()->rowCount(), 6);
    }

    void textEditsRefreshTheForms()
    {
        auto *memory = qobject_cast<QLineEdit *>(m_visual->sandboxForm()->field(QStringLiteral("max_memory_mb")));
        auto *processes = qobject_cast<QLineEdit *>(m_visual->sandboxForm()->field(QStringLiteral("max_processes")));
        m_visual->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_visual.get()));
        m_visual->activateWindow();
        processes->setFocus();
        QTRY_VERIFY(processes->hasFocus());
        QTest::keyClicks(processes, QStringLiteral("7"));
        QVERIFY(processes->isModified());
        // The text changes elsewhere (typing in the text editor): after the
        // background validation the forms follow, the field being typed in stays.
        QSignalSpy spy(m_text.get(), &PolicyEditor::diagnosticsChanged);
        m_text->setText(replaced(m_original, QStringLiteral("max_memory_mb: 2048"), QStringLiteral("max_memory_mb: 1024"))
                            .replace(QStringLiteral("name: cost-limit"), QStringLiteral("name: spend-limit")));
        QVERIFY(spy.wait(5000));
        QCOMPARE(memory->text(), QStringLiteral("1024"));
        QCOMPARE(m_visual->policies()->index(1, 0).data().toString(), QStringLiteral("spend-limit"));
        QVERIFY(processes->hasFocus());
        QCOMPARE(processes->text(), QStringLiteral("7"));
        // Enter commits it into the new text.
        QTest::keyClick(processes, Qt::Key_Return);
        QVERIFY(m_text->text().contains(QStringLiteral("    TZ: UTC\n  max_processes: 7\nnetwork:")));
        QVERIFY(m_text->text().contains(QStringLiteral("max_memory_mb: 1024")));
    }

    void diagnosticsOnTheRightRow()
    {
        m_text->setText(replaced(m_original, QStringLiteral("condition: tool.name == 'email_send'\n"),
                                 QStringLiteral("condition: tool.nme == 'email_send'\n")));
        m_text->validateNow();
        auto *p = m_visual->policies();
        QCOMPARE(p->index(3, 0).data(SequenceModel::SeverityRole).toInt(), static_cast<int>(Severity::Error));
        QVERIFY(!p->index(3, 0).data(Qt::DecorationRole).isNull());
        QVERIFY(p->index(3, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("nme")));
        for (int r : {0, 1, 2, 4})
            QCOMPARE(p->index(r, 0).data(SequenceModel::SeverityRole).toInt(), -1);
        m_visual->selectPolicy(3);
        QVERIFY(!m_visual->policyForm()->problemsOf(QStringLiteral("condition")).isEmpty());
        QVERIFY(m_visual->policyForm()->problemsOf(QStringLiteral("name")).isEmpty());
        QVERIFY(!m_visual->policyForm()->field(QStringLiteral("condition"))->styleSheet().isEmpty());
        // A sandbox field with a bad value gets the problem too.
        m_text->setText(replaced(m_original, QStringLiteral("max_memory_mb: 2048"), QStringLiteral("max_memory_mb: -5")));
        m_text->validateNow();
        QVERIFY(!m_visual->sandboxForm()->problemsOf(QStringLiteral("max_memory_mb")).isEmpty());
        QVERIFY(m_visual->sandboxForm()->problemsOf(QStringLiteral("isolation")).isEmpty());
    }

    void brokenTextDisablesTheForms()
    {
        m_text->setText(m_original + QStringLiteral("\npolicies: [\n"));
        m_text->validateNow();
        QVERIFY(!m_visual->sections()->isEnabled());
        QVERIFY(!m_visual->message().isEmpty());
        QCOMPARE(m_visual->policies()->rowCount(), 6); // the last good rows stay
        m_text->setText(m_original);
        m_text->validateNow();
        QVERIFY(m_visual->sections()->isEnabled());
        QVERIFY(m_visual->message().isEmpty());
    }

    void besideTheTextInTheMainWindow()
    {
        QTemporaryDir dir;
        qputenv("OPENSHELL_STORE", dir.filePath(QStringLiteral("audit.db")).toUtf8());
        MainWindow w;
        w.show();
        QVERIFY(w.openWorkspace(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")));
        auto *visual = w.visualEditor();
        QVERIFY(visual);
        auto *split = qobject_cast<QSplitter *>(visual->parentWidget());
        QVERIFY(split);
        QCOMPARE(split->widget(0), static_cast<QWidget *>(w.editor()));
        QCOMPARE(split->widget(1), static_cast<QWidget *>(visual));
        QTRY_COMPARE(visual->policies()->rowCount(), 6);
        auto *toggle = w.findChild<QAction *>(QStringLiteral("toggleVisualEditor"));
        QVERIFY(toggle);
        QCOMPARE(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
        toggle->trigger();
        QVERIFY(visual->isHidden());
        toggle->trigger();
        QVERIFY(!visual->isHidden());
        // Reordering in the window's visual editor edits the window's text.
        QVERIFY(visual->policies()->moveRows(QModelIndex(), 4, 1, QModelIndex(), 0));
        QCOMPARE(policyNames(w.editor()->text()).front(), QStringLiteral("response-pii"));
    }

    void flowItemsAndStaleText()
    {
        // A list of flow mappings gets a flow mapping item.
        auto *fs = m_visual->filesystemRules();
        QVERIFY(fs->insertItem(0, {{"path", edit::Value::string("/x")}, {"permissions", edit::Value::plain("read")}}));
        QVERIFY(m_text->text().contains(QStringLiteral("  rules:\n    - {path: /x, permissions: read}\n    - {path: /data/kb")));
        // Stale text: the edit is refused, not applied at the wrong place.
        m_text->SendScintilla(QsciScintilla::SCI_INSERTTEXT, 0ul, "# new first line\n");
        const QString before = m_text->text();
        QVERIFY(!fs->moveRows(QModelIndex(), 0, 1, QModelIndex(), 2));
        QCOMPARE(m_text->text(), before);
        QVERIFY(!m_visual->message().isEmpty());
    }
};

QTEST_MAIN(TestVisualEditor)
#include "tst_visualeditor.moc"
