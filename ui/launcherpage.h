#pragma once
// The studio's sandbox launcher: pick a policy of the workspace, an
// isolation mode and the agent command, run one AgentSession (approvals go
// to the audit store, for the approvals dock), and watch its events, its
// output and its cgroup's resource figures live.

#include "model/policy.h"

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
    // AuditStore::defaultPath() itself when a session starts.
    void setStore(osh::AuditStore *store);
    // Selects (adding it when it is not listed) and loads a policy file;
    // false with the reason shown inline when it cannot be used.
    bool setPolicyFile(const QString &file);
    QString policyFile() const;
    void setIsolation(osh::Isolation isolation);
    std::optional<osh::Isolation> isolation() const;
    // The agent command as a shell-like line (quotes group arguments).
    void setCommand(const QString &commandLine);
    QString command() const;

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
    // Starts a session with the current choices; false (reason inline) when it cannot.
    bool start();
    // Clean stop: the session ends and is recorded as interrupted.
    void stop();

Q_SIGNALS:
    void sessionStarted(const QString &id);
    void sessionFinished(const QString &id, int exitStatus, const QString &reason);

private:
    void loadSelectedPolicy();
    void onEvent(const osh::AuditEvent &event);
    void onOutput(bool stderrChannel, const QByteArray &data);
    void onFinished(int exitStatus, const QString &reason);
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

    QComboBox *m_policy;
    QComboBox *m_isolation;
    QLineEdit *m_command;
    QCheckBox *m_servicesCheck;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_message;
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
    QStringDecoder m_stdoutDecoder{QStringDecoder::Utf8};
    QStringDecoder m_stderrDecoder{QStringDecoder::Utf8};
};

} // namespace osh::ui
