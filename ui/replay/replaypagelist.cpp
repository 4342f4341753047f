// ReplayPage's session list: listed through openshelld (asynchronous
// requests) or read from the local store on a thread of its own, one read
// at a time, so that a store of many sessions never freezes the studio
// while the shown page polls it.

#include "replaypage.h"

#include "service/serviceclient.h"
#include "service/servicerecords.h"

#include "audit/auditstore.h"
#include "audit/audittime.h"

#include <QComboBox>
#include <QThread>
#include <QTimer>

namespace osh::ui {

namespace {

struct ListRead
{
    std::vector<SessionSummary> sessions;
    std::string error;
};

} // namespace

void ReplayPage::refreshSessions()
{
    if (m_client) {
        if (m_listInFlight)
            return;
        m_listInFlight = true;
        m_client->get<std::vector<SessionSummary>>(QStringLiteral("/v1/audit/sessions"), this, &records::sessions,
                                                   [this](std::optional<std::vector<SessionSummary>> sessions, const QString &error) {
            m_listInFlight = false;
            if (!m_client)
                return;
            if (!sessions) {
                showMessage(tr("Cannot list the sessions of openshelld at %1: %2").arg(m_client->endpointText(), error));
                return;
            }
            m_serviceSessions.clear();
            for (const auto &s : *sessions)
                m_serviceSessions.insert(QString::fromStdString(s.session.id), s);
            fillSessions(*sessions);
        });
        return;
    }
    if (!m_store) {
        m_sessions->clear();
        return;
    }
    if (m_listThread) {
        m_listAgain = true; // polls during a read: one more read when it ends
        return;
    }
    startListRead();
}

void ReplayPage::startListRead()
{
    m_listAgain = false;
    // AuditStore's reads may come from any thread (its reader connection
    // is behind a mutex); the store outlives the read because setStore()
    // and the destructor wait for it.
    auto result = std::make_shared<ListRead>();
    const AuditStore *store = m_store;
    m_listThread = QThread::create([store, result, hook = m_readHook] {
        if (hook)
            hook(Read::SessionList);
        result->sessions = store->sessions(&result->error);
    });
    QThread *thread = m_listThread;
    const quint64 generation = m_listGeneration;
    connect(thread, &QThread::finished, this, [this, thread, result, generation] {
        // After waitForListRead() the thread is gone and the read is stale.
        if (generation != m_listGeneration || thread != m_listThread)
            return;
        m_listThread = nullptr;
        thread->deleteLater();
        if (!result->error.empty()) {
            m_sessions->clear();
            m_listed.clear();
            showMessage(tr("Cannot list the sessions: %1").arg(QString::fromStdString(result->error)));
        } else {
            m_listedOnce = true;
            fillSessions(result->sessions);
            // openNewestSession(): the newest of this list, unless one was opened meanwhile.
            if (std::exchange(m_openNewest, false) && !m_session && m_sessions->count() > 0)
                openSession(m_sessions->itemData(0).toString());
        }
        if (m_listAgain)
            startListRead();
    });
    m_listThread->start();
}

void ReplayPage::waitForListRead()
{
    ++m_listGeneration; // whatever it delivers now is stale
    m_listAgain = false;
    if (m_listThread) {
        m_listThread->wait();
        delete m_listThread;
        m_listThread = nullptr;
    }
}

void ReplayPage::fillSessions(const std::vector<SessionSummary> &sessions)
{
    // Newest first: the one just recorded is the one usually replayed.
    QStringList listed;
    for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
        const auto &s = *it;
        const QString id = QString::fromStdString(s.session.id);
        const qint64 notAllowed = s.count("block") + s.count("escalate") + s.count("redact") + s.count("throttle");
        listed << id
               << tr("%1 — %2, %n event(s), %3 blocked, escalated, redacted or throttled", nullptr, static_cast<int>(s.events))
                      .arg(id, QString::fromStdString(audit::formatIsoUtc(s.session.startedAt)))
                      .arg(notAllowed);
    }
    // Unchanged (a poll): the list, its selection and an open popup stay.
    if (listed != m_listed || m_sessions->count() * 2 != listed.size()) {
        m_listed = listed;
        const QString current = m_sessions->currentData().toString();
        m_sessions->clear();
        for (qsizetype i = 0; i + 1 < listed.size(); i += 2)
            m_sessions->addItem(listed[i + 1], listed[i]);
        int keep = m_sessions->findData(current);
        // A session opened before it was listed (the list is read on a
        // thread, an import): it is the one selected.
        if (keep < 0 && m_session)
            keep = m_sessions->findData(QString::fromStdString(m_session->id()));
        if (keep >= 0)
            m_sessions->setCurrentIndex(keep);
    }
    if (sessions.empty())
        showMessage(tr("No session is recorded yet: run one from the Launcher (or osctl run, osctl demo), or import one."));
    else if (!m_session)
        showMessage(QString());
}

bool ReplayPage::openNewestSession()
{
    if (m_client) {
        if (m_sessions->count() > 0) { // listed already
            refreshSessions();
            return openSession(m_sessions->itemData(0).toString());
        }
        // When the list has come: the newest session (unless one was opened meanwhile).
        auto once = std::make_shared<QMetaObject::Connection>();
        *once = connect(m_sessions->model(), &QAbstractItemModel::rowsInserted, this, [this, once] {
            disconnect(*once);
            QTimer::singleShot(0, this, [this] {
                if (m_sessions->count() > 0 && !m_session && m_fetching.isEmpty())
                    openSession(m_sessions->itemData(0).toString());
            });
        });
        refreshSessions();
        return true;
    }
    if (!m_store)
        return false;
    // The newest as the list about to be read says (what is listed now may
    // be old: a hidden page does not poll).
    m_openNewest = true;
    refreshSessions();
    return !(m_listedOnce && m_sessions->count() == 0);
}

} // namespace osh::ui
