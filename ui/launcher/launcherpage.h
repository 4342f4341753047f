#pragma once
// The studio's sandbox launcher: pick a policy of the workspace, an
// isolation mode and the agent command, run one session (approvals go to
// the audit store, for the approvals dock), and watch its events, its
// output and (in-process) its cgroup's resource figures live. Sessions run
// through openshelld when the studio found one (StudioRuntime), else in the
// studio's own process (root only); without either, nothing can start and
// the page says how to start the service.

#include "model/policy.h"
#include "service/serviceclient.h"

#include <QHash>
#include <QPointer>
#include <QStringDecoder>
#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace osh {
class AuditStore;
struct AuditEvent;
} // namespace osh

namespace osh::runtime {
class AgentSession;
class SessionResources;
class WorkspaceServices;
} // namespace osh::runtime

namespace osh::ui {

class EventStreamModel;

class LauncherPage : public QWidget
{
    Q_OBJECT

public:
    explicit LauncherPage(QWidget *parent = nullptr);
    ~LauncherPage() override;

    // Lists the folder's *.policy.yaml (recursively) in the policy combo.
    void setWorkspace(const QString &dir);
    // Not owned; must outlive the page. Without one, the page opens
    // AuditStore::defaultPath() itself when a session starts (in-process).
    void setStore(osh::AuditStore *store);
    // Where sessions run (default: in-process). Service: through client (not
    // owned), which the page asks whether the service answers and which
    // isolation modes it has. Not while a session runs.
    void setRuntime(const StudioRuntime &runtime, ServiceClient *client = nullptr);
    const StudioRuntime &runtime() const { return m_runtime; }
    // The line that says where sessions run, or why they cannot start.
    QString runtimeText() const;
    // Service: whether the service answered (nullopt until it did or failed).
    std::optional<bool> serviceReachable() const { return m_reachable; }
    // Selects (adding it when it is not listed) and loads a policy file;
    // false with the reason shown inline when it cannot be used.
    bool setPolicyFile(const QString &file);
    QString policyFile() const;
    void setIsolation(osh::Isolation isolation);
    std::optional<osh::Isolation> isolation() const;
    // The agent command as a shell-like line (quotes group arguments).
    void setCommand(const QString &commandLine);
    QString command() const;

    // A session is starting, running or stopping.
    bool isRunning() const;
    QString sessionId() const; // the running (or last) session's id
    EventStreamModel *eventModel() const { return m_events; }
    QString agentOutput() const;
    QString messageText() const;
    // Whether the workspace's stand-in services (services/standin.py) start
    // with each session (the default when the workspace has them).
    bool startsServices() const;
    void setStartsServices(bool on);

public Q_SLOTS:
    // Starts a session with the current choices; false (reason inline) when
    // it cannot. Through the service the start completes later:
    // sessionStarted() or startFailed() follows.
    bool start();
    // Clean stop: the session ends and is recorded as interrupted.
    void stop();

Q_SIGNALS:
    void sessionStarted(const QString &id);
    void sessionFinished(const QString &id, int exitStatus, const QString &reason);
    // Through the service: the service refused or could not start the session.
    void startFailed(const QString &reason);

private:
    void loadSelectedPolicy();
    void onEvent(const osh::AuditEvent &event);
    void onOutput(bool stderrChannel, const QByteArray &data);
    void onFinished(int exitStatus, const QString &reason);
    void appendOutput(const QString &text);
    bool startThroughService(const QStringList &argv, std::optional<osh::Isolation> iso);
    void serviceCreated(const ServiceReply &reply);
    void serviceEnded(EventFollower *follower, const QByteArray &sessionJson);
    void serviceStreamFinished(EventFollower *follower, bool ok, const QString &error);
    void probeService();
    void serviceInfo(const ServiceReply &reply);
    QString isolationProblem(osh::Isolation isolation) const;
    void updateIsolationItems();
    void updateIsolationNote();
    void updateRuntimeNote();
    void updateResources();
    void updateButtons();
    void updateFilters();
    void showMessage(const QString &text, bool error);
    osh::AuditStore *ensureStore(QString *error);

    QString m_workspace;
    osh::AuditStore *m_store = nullptr;
    std::unique_ptr<osh::AuditStore> m_ownStore;
    std::shared_ptr<const PolicyDocument> m_document;
    std::string m_policyHash;
    osh::runtime::AgentSession *m_session = nullptr;
    std::unique_ptr<osh::runtime::SessionResources> m_resources;
    std::unique_ptr<osh::runtime::WorkspaceServices> m_services;
    QString m_sessionId;
    StudioRuntime m_runtime;
    QPointer<ServiceClient> m_client;
    std::optional<bool> m_reachable;
    QString m_unreachableReason;
    QHash<QString, QString> m_serviceIsolation; // mode -> why it cannot run ("" when it can)
    enum class ServiceState { Idle, Starting, Running, Stopping };
    ServiceState m_serviceState = ServiceState::Idle;
    EventFollower *m_follower = nullptr;

    QComboBox *m_policy;
    QComboBox *m_isolation;
    QLineEdit *m_command;
    QCheckBox *m_servicesCheck;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_message;
    QLabel *m_runtimeNote;
    QWidget *m_resourceBox;
    QLabel *m_resourceNote;
    QLabel *m_memory;
    QLabel *m_cpu;
    QLabel *m_processes;
    EventStreamModel *m_events;
    QSortFilterProxyModel *m_byDecision;
    QSortFilterProxyModel *m_byType;
    QSortFilterProxyModel *m_byText;
    QTableView *m_view;
    QComboBox *m_decisionFilter;
    QComboBox *m_typeFilter;
    QLineEdit *m_textFilter;
    QCheckBox *m_follow;
    QPlainTextEdit *m_output;
    QTimer *m_resourceTimer;
    QTimer *m_scrollTimer;
    QTimer *m_probeTimer;
    QStringDecoder m_stdoutDecoder{QStringDecoder::Utf8};
    QStringDecoder m_stderrDecoder{QStringDecoder::Utf8};
};

} // namespace osh::ui
