// The Replay page's details pane (the decision trace first, the event and
// its parameters, what-if's change and why an action replayed only
// approximately), the deciding policy in the version that was in force,
// and JSON-lines export. The rest of the page is in replaypage.cpp.

#include "replaypage.h"

#include "replaymodel.h"
#include "timelineview.h"

#include "trace/traceview.h"

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "model/policyloader.h"
#include "vcs/policyrepository.h"
#include "util/qtext.h"

#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSaveFile>

namespace osh::ui {

void ReplayPage::showDetails(std::int64_t row)
{
    m_trace->clear();
    if (!m_session || row < 0) {
        m_header->clear();
        m_policyLink->clear();
        m_eventJson->clear();
        m_parameters->clear();
        return;
    }
    const auto r = static_cast<std::uint32_t>(row);
    std::string error;
    const auto event = m_session->details(r, &error);
    if (!event) {
        m_header->setText(tr("Event #%1 cannot be read: %2").arg(m_session->seq(r)).arg(QString::fromStdString(error)));
        m_policyLink->clear();
        m_eventJson->clear();
        m_parameters->clear();
        return;
    }
    QString header = tr("#%1 · %2 · %3").arg(event->seq).arg(QString::fromStdString(event->type),
                                                            QString::fromStdString(audit::formatIsoUtc(event->ts)));
    if (!event->tool.empty())
        header += QStringLiteral(" · ") + QString::fromStdString(event->tool);
    if (!event->decision.empty())
        header += QStringLiteral(" · ") + tr("decision: %1").arg(QString::fromStdString(event->decision));
    if (const auto *w = m_timeline->lanes().whatIfActionOfRow(r))
        header += QLatin1Char('\n') + tr("What-if: %1 → %2").arg(qs(replay::outcomeName(w->before)),
                                                                qs(replay::outcomeName(w->after)));
    if (const auto a = m_model->approximation(r); a && *a != replay::Approximation::Exact)
        header += QLatin1Char('\n') + ReplayModel::approximationText(*a);
    m_header->setText(header);
    if (event->policy.empty()) {
        m_policyLink->setText(tr("No deciding policy."));
    } else {
        const auto &rec = m_session->record();
        QString where = QString::fromStdString(rec.policyFile);
        if (!rec.policyCommit.empty())
            where += QStringLiteral(" @ ") + QString::fromStdString(rec.policyCommit).left(7);
        m_policyLink->setText(tr("Deciding policy: <a href=\"policy\">%1</a> (%2)")
                                  .arg(QString::fromStdString(event->policy).toHtmlEscaped(), where.toHtmlEscaped()));
    }
    std::string line;
    audit::appendEventJson(line, *event);
    m_eventJson->setPlainText(prettyJson(line));
    m_parameters->setPlainText(prettyJson(event->parameters));
    // Which step decided and what it read, from the trace as recorded; the
    // event's own layer and policy say which step that is.
    m_trace->setTraceJson(QByteArray::fromStdString(event->trace), QString::fromStdString(event->layer),
                          QString::fromStdString(event->policy), QString::fromStdString(event->decision),
                          event->trace.empty() ? (event->decision.empty() ? tr("This event was not decided: it has no trace.")
                                                                          : tr("No trace was recorded for this decision."))
                                               : QString());
}

std::optional<ReplayPage::PolicyLocation> ReplayPage::policyLocation(std::uint32_t row, QString *note) const
{
    if (!m_session || row >= m_session->size() || m_session->policy(row).empty())
        return std::nullopt;
    const auto &rec = m_session->record();
    PolicyLocation loc;
    loc.file = QString::fromStdString(rec.policyFile);
    loc.commit = QString::fromStdString(rec.policyCommit);
    QByteArray text;
    QString why;
    if (!loc.commit.isEmpty()) {
        auto repo = vcs::PolicyRepository::discover(loc.file);
        if (!repo) {
            why = repo.error;
        } else if (auto content = repo->contentAt(loc.commit, loc.file)) {
            text = *content;
        } else {
            why = content.error;
        }
    } else {
        QFile f(loc.file);
        if (f.open(QIODevice::ReadOnly))
            text = f.readAll();
        else
            why = tr("%1: %2").arg(loc.file, f.errorString());
    }
    if (!text.isNull()) {
        const auto res = PolicyLoader::loadText(std::string_view(text.constData(), static_cast<std::size_t>(text.size())),
                                                rec.policyFile);
        const Policy *p = res.document ? res.document->findPolicy(m_session->policy(row)) : nullptr;
        if (p)
            loc.line = p->loc.pos.line;
        else
            why = tr("policy %1 is not in that version of %2").arg(qs(m_session->policy(row)), loc.file);
    }
    if (rec.policyDirty && why.isEmpty())
        why = tr("the session ran %1 with uncommitted changes; the line is from commit %2")
                  .arg(loc.file, loc.commit.isEmpty() ? tr("(none)") : loc.commit.left(7));
    if (note)
        *note = why;
    return loc;
}

void ReplayPage::openDecidingPolicy()
{
    const std::int64_t row = m_timeline->currentRow();
    if (row < 0)
        return;
    QString note;
    const auto loc = policyLocation(static_cast<std::uint32_t>(row), &note);
    if (!loc)
        return;
    if (!note.isEmpty())
        showMessage(tr("Note: %1").arg(note));
    Q_EMIT openPolicyRequested(loc->file, loc->commit, loc->line);
}

bool ReplayPage::exportSelection(const QString &file, QString *error) const
{
    const auto rows = m_timeline->selectedRows();
    if (!m_session || rows.empty()) {
        if (error)
            *error = tr("Nothing is selected.");
        return false;
    }
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("%1: %2").arg(file, out.errorString());
        return false;
    }
    std::string line;
    for (const std::uint32_t r : rows) {
        std::string err;
        const auto event = m_session->details(r, &err);
        if (!event) {
            out.cancelWriting();
            if (error)
                *error = QString::fromStdString(err);
            return false;
        }
        line.clear();
        audit::appendEventJson(line, *event);
        line += '\n';
        out.write(line.data(), static_cast<qint64>(line.size()));
    }
    if (!out.commit()) {
        if (error)
            *error = tr("%1: %2").arg(file, out.errorString());
        return false;
    }
    return true;
}

void ReplayPage::exportClicked()
{
    if (m_timeline->selectedRows().empty()) {
        showMessage(tr("Select an event (shift-click for a range) to export."));
        return;
    }
    const QString file = QFileDialog::getSaveFileName(this, tr("Export events"), QString(),
                                                      tr("JSON lines (*.jsonl);;All files (*)"));
    if (file.isEmpty())
        return;
    QString error;
    if (!exportSelection(file, &error))
        showMessage(tr("Export failed: %1").arg(error));
    else
        showMessage(tr("Exported %n event(s) to %1.", nullptr, static_cast<int>(m_timeline->selectedRows().size())).arg(file));
}

} // namespace osh::ui
