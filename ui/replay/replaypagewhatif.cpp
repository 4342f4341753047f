// The Replay page's what-if and import: re-deciding the open session
// against another policy (the editor's text, a file, a git revision) on a
// worker thread, the results table, and importing a session from JSON lines.
// The rest of the page is in replaypage.cpp.

#include "replaypage.h"

#include "replaymodel.h"
#include "timelineview.h"

#include "engine/decisionengine.h"
#include "replay/sessionimporter.h"
#include "vcs/policyrepository.h"
#include "util/qtext.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <QTreeWidget>

#include <map>

namespace osh::ui {

bool ReplayPage::isWhatIfRunning() const { return m_worker && m_worker->isRunning(); }

bool ReplayPage::runWhatIf(const QString &policyText, const QString &name)
{
    if (!m_session || !m_store) {
        showMessage(tr("Open a session first."));
        return false;
    }
    waitForWorker();
    const quint64 generation = ++m_generation;
    const AuditStore *store = m_store;
    const std::string sessionId = m_session->id();
    const std::string text = policyText.toStdString();
    const std::string fileName = name.toStdString();
    QPointer<ReplayPage> self(this);
    m_whatIfButton->setEnabled(false);
    m_whatIfSummary->setText(tr("Replaying %1 against %2…").arg(QString::fromStdString(sessionId), name));
    m_worker = QThread::create([self, generation, store, sessionId, text, fileName] {
        std::string error;
        std::optional<replay::WhatIfResult> result;
        if (auto doc = replay::WhatIf::policyFromText(text, fileName, error)) {
            const DecisionEngine engine(doc);
            result = replay::WhatIf::run(*store, sessionId, engine, error);
        }
        // The page waits for this thread before it goes, so self is alive;
        // the generation tells a stale run from the current one.
        auto shared = std::make_shared<std::optional<replay::WhatIfResult>>(std::move(result));
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, shared, error] {
                if (self && self->m_generation == generation)
                    self->whatIfDone(std::move(*shared), QString::fromStdString(error));
            },
            Qt::QueuedConnection);
    });
    m_worker->start();
    return true;
}

void ReplayPage::whatIfDone(std::optional<replay::WhatIfResult> result, const QString &error)
{
    if (m_worker) {
        m_worker->wait();
        delete m_worker;
        m_worker = nullptr;
    }
    m_whatIfButton->setEnabled(true);
    if (!result) {
        m_whatIf.reset();
        m_timeline->setWhatIf(nullptr);
        m_model->setWhatIf(nullptr);
        fillWhatIfTable();
        m_whatIfSummary->setText(tr("What-if failed: %1").arg(error));
        m_detailTabs->setCurrentIndex(m_whatIfTab);
        Q_EMIT whatIfFinished(false);
        return;
    }
    m_whatIf = std::move(result);
    m_timeline->setWhatIf(&*m_whatIf);
    m_model->setWhatIf(&*m_whatIf);
    fillWhatIfTable();
    m_detailTabs->setCurrentIndex(m_whatIfTab);
    Q_EMIT whatIfFinished(true);
}

void ReplayPage::clearWhatIf()
{
    waitForWorker();
    m_whatIfButton->setEnabled(true);
    m_whatIf.reset();
    m_timeline->setWhatIf(nullptr);
    m_model->setWhatIf(nullptr);
    fillWhatIfTable();
}

void ReplayPage::fillWhatIfTable()
{
    m_whatIfTable->clear();
    if (!m_whatIf) {
        m_whatIfSummary->setText(tr("What-if: replay this session against another policy to see which decisions would change."));
        return;
    }
    QString summary = QString::fromStdString(m_whatIf->summaryText());
    if (m_whatIf->approximate > 0)
        summary += QLatin1Char('\n') + tr("%n action(s) were replayed approximately: marked ≈ in the table, why in "
                                          "their details.", nullptr, static_cast<int>(m_whatIf->approximate));
    if (!m_whatIf->unreplayable.empty())
        summary += QLatin1Char('\n') + tr("%n action(s) could not be replayed.", nullptr,
                                          static_cast<int>(m_whatIf->unreplayable.size()));
    m_whatIfSummary->setText(summary);
    std::unordered_map<std::int64_t, const replay::WhatIfAction *> bySeq;
    for (const auto i : m_whatIf->changed)
        bySeq.emplace(m_whatIf->actions[i].seq, &m_whatIf->actions[i]);
    // One group per label: "would now be blocked" gathers allow->block and
    // escalate->block alike, as the summary line counts them.
    std::map<std::string, QTreeWidgetItem *> groups;
    for (const auto &t : m_whatIf->transitions()) {
        QTreeWidgetItem *&group = groups[t.label];
        if (!group) {
            group = new QTreeWidgetItem(m_whatIfTable);
            group->setText(0, QString::fromStdString(t.label));
        }
        for (const std::int64_t seq : t.seqs) {
            auto *item = new QTreeWidgetItem(group);
            item->setText(0, tr("#%1").arg(seq));
            item->setData(0, Qt::UserRole, QVariant::fromValue<qint64>(seq));
            if (const auto it = bySeq.find(seq); it != bySeq.end()) {
                const auto *a = it->second;
                item->setText(1, QStringLiteral("%1 → %2").arg(qs(replay::outcomeName(a->before)),
                                                               qs(replay::outcomeName(a->after))));
                item->setText(2, QStringLiteral("%1 → %2").arg(
                                     QString::fromStdString(m_whatIf->policies.name(a->policyBefore)),
                                     QString::fromStdString(m_whatIf->policies.name(a->policyAfter))));
                if (a->approximation != replay::Approximation::Exact) {
                    item->setText(0, tr("#%1 ≈").arg(seq));
                    for (int c = 0; c < 3; ++c)
                        item->setToolTip(c, ReplayModel::approximationText(a->approximation));
                }
            }
        }
    }
    for (auto &[label, group] : groups)
        group->setText(1, QString::number(group->childCount()));
    m_whatIfTable->expandAll();
    m_whatIfTable->resizeColumnToContents(0);
}

void ReplayPage::jumpToSeq(std::int64_t seq)
{
    if (!m_session)
        return;
    if (const auto row = m_session->rowOfSeq(seq)) {
        if (m_model->rowOfSessionRow(static_cast<std::int64_t>(*row)) < 0 && m_model->isFiltered()) {
            // The action is filtered out: show everything again.
            for (QComboBox *c : {m_toolFilter, m_outcomeFilter, m_severityFilter}) {
                const QSignalBlocker block(c);
                c->setCurrentIndex(0);
            }
            const QSignalBlocker blockCheck(m_violationsOnly);
            m_violationsOnly->setChecked(false);
            const QSignalBlocker blockText(m_textFilter);
            m_textFilter->clear();
            m_filterDelay->stop();
            applyFilter({});
        }
        m_timeline->setCurrentRow(static_cast<std::int64_t>(*row));
    }
}

void ReplayPage::whatIfFromEditor()
{
    if (!m_policyText) {
        showMessage(tr("No editor text is available; choose a policy file."));
        return;
    }
    runWhatIf(m_policyText(), m_policyName ? m_policyName() : tr("editor"));
}

void ReplayPage::whatIfFromFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Policy to replay against"), QString(),
                                                      tr("Policies (*.policy.yaml *.yaml);;All files (*)"));
    if (file.isEmpty())
        return;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        showMessage(tr("Cannot read %1: %2").arg(file, f.errorString()));
        return;
    }
    runWhatIf(QString::fromUtf8(f.readAll()), file);
}

bool ReplayPage::importSession(const QString &file)
{
    if (!m_store) {
        showMessage(tr("No audit store is open."));
        return false;
    }
    replay::ImportOptions options;
    const QString text = m_policyText ? m_policyText() : QString();
    const QString name = m_policyName ? m_policyName() : QString();
    if (!text.isEmpty()) {
        std::string error;
        const QByteArray utf8 = text.toUtf8();
        options.policy = replay::WhatIf::policyFromText(std::string_view(utf8.constData(), std::size_t(utf8.size())),
                                                        name.toStdString(), error);
        if (!options.policy) {
            showMessage(tr("The policy in the editor cannot decide the imported actions: %1").arg(QString::fromStdString(error)));
            return false;
        }
        options.policyFile = name.toStdString();
        options.policyHash = vcs::contentHash(utf8);
    }
    waitForWorker();
    const auto result = replay::SessionImporter::importFile(*m_store, file.toStdString(), options);
    if (!result.ok) {
        QStringList lines;
        for (std::size_t i = 0; i < result.errors.size() && i < 5; ++i)
            lines << QString::fromStdString(result.errors[i].format());
        if (result.errors.size() > 5)
            lines << tr("… and %n more bad line(s)", nullptr, int(result.errors.size() - 5));
        if (!result.error.empty())
            lines << QString::fromStdString(result.error);
        showMessage(tr("Nothing was imported:\n%1").arg(lines.join(QLatin1Char('\n'))));
        return false;
    }
    refreshSessions();
    return openSession(QString::fromStdString(result.sessionId));
}

QString ReplayPage::revisionPolicyFile() const
{
    // The session's policy file when it is in a repository (a session run
    // from a workspace), else the editor's (a session run from a copy, such
    // as `osctl demo`'s, or imported).
    if (m_session) {
        const QString recorded = QString::fromStdString(m_session->record().policyFile);
        if (!recorded.isEmpty() && QFileInfo::exists(recorded) && vcs::PolicyRepository::discover(recorded))
            return recorded;
    }
    return m_policyName ? m_policyName() : QString();
}

bool ReplayPage::runWhatIfAtRevision(const QString &revision)
{
    const QString file = revisionPolicyFile();
    if (file.isEmpty()) {
        showMessage(tr("No policy file to read a revision of: open the policy in the editor."));
        return false;
    }
    auto repo = vcs::PolicyRepository::discover(file);
    if (!repo) {
        showMessage(tr("%1 is in no git repository: %2").arg(file, repo.error));
        return false;
    }
    const auto content = repo->contentAt(revision, file);
    if (!content) {
        showMessage(tr("Cannot read %1 at %2: %3").arg(QFileInfo(file).fileName(), revision, content.error));
        return false;
    }
    return runWhatIf(QString::fromUtf8(*content), QStringLiteral("%1@%2").arg(file, revision));
}

void ReplayPage::whatIfFromRevision()
{
    bool ok = false;
    const QString file = revisionPolicyFile();
    const QString revision = QInputDialog::getText(
        this, tr("What if…"),
        tr("Revision of %1 (a commit, HEAD~1, a tag, or DEPLOYED for the deployed version):").arg(QFileInfo(file).fileName()),
        QLineEdit::Normal, QString::fromLatin1(vcs::kDeployedRevision), &ok);
    if (ok && !revision.trimmed().isEmpty())
        runWhatIfAtRevision(revision.trimmed());
}

} // namespace osh::ui
