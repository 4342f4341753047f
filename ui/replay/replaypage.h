#pragma once
// The studio's Replay page: pick a recorded session of the audit store and
// replay it on the timeline (play/pause at 0.5x-16x, step, jump between
// violations), filter it by tool, outcome, severity or text, read an
// event's details (its decision trace first: the step that decided and what
// it read; then the full event, its PII-redacted parameters, a link to the
// deciding policy in the version that was in force), export the selection
// as JSON lines, and run what-if against another policy text (on a worker
// thread) to see, in a diff lane and a summary table, which decisions would
// change and which actions replayed only approximately, and why. A badge
// beside the session picker says whether the session's hash chain and its
// signed checkpoints hold (checked on a thread of its own). The session list
// comes from openshelld or is read from the local store off the GUI thread
// (replaypagelist.cpp).

#include "audit/auditquery.h"
#include "replay/replaysession.h"
#include "replay/whatif.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QThread;
class QTimer;
class QToolButton;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace osh {
class AuditStore;
}

namespace osh::ui {

class ReplayModel;
class ServiceClient;
class TimelineView;
class TraceView;

class ReplayPage : public QWidget
{
    Q_OBJECT

public:
    explicit ReplayPage(QWidget *parent = nullptr);
    ~ReplayPage() override;

    // Not owned; must outlive the page or be replaced (nullptr first) before
    // it goes. Lists its sessions, read on a thread of their own (the page
    // never reads the list on the GUI thread); replacing the store waits
    // for a read of the old one under way and drops its result.
    void setStore(osh::AuditStore *store);
    // Through openshelld (client not owned): the sessions are listed from
    // GET /v1/audit/sessions; opening one fetches its events (JSON lines,
    // every page, off the GUI thread) into the cache store at cachePath
    // (created when missing) and replays them from there. False (reason
    // inline) when the cache cannot be opened.
    bool setService(ServiceClient *client, const QString &cachePath);
    // The cache folder's store file for setService().
    static QString defaultCachePath();
    bool isFetching() const { return !m_fetching.isEmpty(); }
    // What "What if… > Against the editor's text" uses: the text and the
    // file name it is shown under.
    void setPolicyTextProvider(std::function<QString()> text, std::function<QString()> name = {});

    // Loads a session of the store; false with the reason shown inline.
    // Through the service: true once its events are being fetched;
    // sessionLoaded() follows (or the reason is shown inline).
    bool openSession(const QString &id);
    // Opens the newest recorded session once the list has been read (off
    // the GUI thread for a local store; sessionLoaded() follows); false when
    // there is no store or it had no session when last listed.
    bool openNewestSession();
    // How often the shown page lists the sessions again (default 3 s).
    void setListInterval(int ms);
    // What the page reads off the GUI thread.
    enum class Read { SessionList, Chain };
    // For tests: called on the thread of each such read, just before it.
    void setReadHook(std::function<void(Read)> hook) { m_readHook = std::move(hook); }
    const replay::ReplaySession *session() const { return m_session ? &*m_session : nullptr; }
    TimelineView *timeline() const { return m_timeline; }
    ReplayModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    TraceView *traceView() const { return m_trace; }
    QTreeWidget *whatIfTable() const { return m_whatIfTable; }
    QString messageText() const;
    QString detailsText() const;
    // The details' first lines: the event, its what-if change and why it is approximate.
    QString headerText() const;
    QString parametersText() const;
    QString policyLinkText() const;
    QString whatIfSummaryText() const;
    // The chain badge's text and its explanation (tooltip).
    QString chainText() const;
    QString chainDetails() const;

    // Applies a filter to the table and the timeline (what the filter bar does).
    void applyFilter(const replay::ReplayFilter &filter);
    // Writes the selected events (the timeline's current event or
    // shift-selected range) as JSON lines, one event per line as `osctl
    // audit query --format jsonl` prints it. False with *error.
    bool exportSelection(const QString &file, QString *error = nullptr) const;

    // Replays the session against a policy text on a worker thread;
    // whatIfFinished() follows. False (reason inline) when it cannot start.
    bool runWhatIf(const QString &policyText, const QString &name);
    // The same against the policy file at a git revision (DEPLOYED: its
    // deployed version): the session's recorded file when it is in a
    // repository, else the editor's file.
    bool runWhatIfAtRevision(const QString &revision);
    // Imports a session from JSON lines (the osctl eval request format),
    // decided by the editor's policy, and opens it; false with the bad lines
    // (file:line:col) inline, nothing written.
    bool importSession(const QString &file);
    bool isWhatIfRunning() const;
    const replay::WhatIfResult *whatIfResult() const { return m_whatIf ? &*m_whatIf : nullptr; }
    void clearWhatIf();

    // The deciding policy of an event: its file, the commit in force and
    // the line of the policy in that version's text (0 when that text or
    // the policy cannot be found; *note says why).
    struct PolicyLocation
    {
        QString file;
        QString commit;
        int line = 0;
    };
    std::optional<PolicyLocation> policyLocation(std::uint32_t row, QString *note = nullptr) const;

public Q_SLOTS:
    void refreshSessions();
    // Emits openPolicyRequested for the current event's deciding policy.
    void openDecidingPolicy();

Q_SIGNALS:
    void openPolicyRequested(const QString &file, const QString &commit, int line);
    void sessionLoaded(const QString &id);
    void whatIfFinished(bool ok);

protected:
    // Shown: the list is brought up to date (and kept so while the page is
    // shown, every few seconds), and the newest session opens when none is.
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void buildUi();
    void showMessage(const QString &text);
    // Checks the open session's chain on a thread; the badge shows the result.
    void checkChain(const QString &id);
    void startChainCheck(const QString &id);
    void waitForChainCheck();
    enum class Badge { Neutral, Good, Bad };
    void setChainBadge(Badge kind, const QString &text, const QString &details);
    void filterControlsChanged();
    void showDetails(std::int64_t row);
    void syncTableToTimeline(std::int64_t row);
    void exportClicked();
    void whatIfFromEditor();
    void whatIfFromFile();
    void whatIfFromRevision();
    QString revisionPolicyFile() const;
    void whatIfDone(std::optional<replay::WhatIfResult> result, const QString &error);
    void fillWhatIfTable();
    void jumpToSeq(std::int64_t seq);
    void waitForWorker();
    bool openCachedSession(const QString &id);
    void fillSessions(const std::vector<SessionSummary> &sessions);
    // The local store's list is read on m_listThread, one read at a time.
    void startListRead();
    // Drops the read under way (its result is stale) once it has ended.
    void waitForListRead();
    void fetchSession(const QString &id);

    osh::AuditStore *m_store = nullptr;
    QPointer<ServiceClient> m_client;
    std::shared_ptr<osh::AuditStore> m_cache; // through the service: the fetched sessions
    QHash<QString, SessionSummary> m_serviceSessions;
    QString m_fetching; // the session being fetched
    bool m_listInFlight = false;
    QThread *m_listThread = nullptr;
    quint64 m_listGeneration = 0;
    bool m_listAgain = false;  // a poll came during the read
    bool m_openNewest = false; // openNewestSession(): when the list comes
    bool m_listedOnce = false; // the store's list has been read
    std::optional<replay::ReplaySession> m_session;
    std::optional<replay::WhatIfResult> m_whatIf;
    std::function<QString()> m_policyText;
    std::function<QString()> m_policyName;
    std::function<void(Read)> m_readHook;
    QThread *m_worker = nullptr;
    quint64 m_generation = 0;
    // The chain check of the open session, one at a time: a check asked
    // for while one runs waits in m_chainNext; a result for an older one
    // is dropped. The destructor waits for the one running.
    quint64 m_chainGeneration = 0;
    QThread *m_chainThread = nullptr;
    QString m_chainNext;
    bool m_syncing = false;

    QComboBox *m_sessions;
    QLabel *m_chainBadge;
    QLabel *m_message;
    TimelineView *m_timeline;
    QToolButton *m_play;
    QComboBox *m_speed;
    QComboBox *m_toolFilter;
    QComboBox *m_outcomeFilter;
    QComboBox *m_severityFilter;
    QCheckBox *m_violationsOnly;
    QLineEdit *m_textFilter;
    QTimer *m_filterDelay;
    QTimer *m_listPoll;
    QStringList m_listed; // the list's ids and labels, as last filled
    ReplayModel *m_model;
    QTableView *m_table;
    QLabel *m_header;
    QLabel *m_policyLink;
    QPlainTextEdit *m_eventJson;
    QPlainTextEdit *m_parameters;
    TraceView *m_trace;
    QLabel *m_whatIfSummary;
    QTabWidget *m_detailTabs = nullptr;
    int m_whatIfTab = -1;
    QTreeWidget *m_whatIfTable;
    QPushButton *m_whatIfButton;
};

} // namespace osh::ui
