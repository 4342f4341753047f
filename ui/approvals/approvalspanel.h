#pragma once
// The approvals dock: polls the audit store for held escalations (every
// session's, and other processes' too, since the store is shared), shows the
// selected one's full context, and approves or denies it with a note. The
// runtime's StoreApprovalBroker notices the verdict on its own poll.
// Through openshelld the same comes from GET /v1/approvals (polled off the
// GUI thread) and the verdicts go to POST /v1/approvals/{id}/approve|deny;
// a refusal (e.g. a user who is not an approver) is shown inline.
// The selected action's real parameters (whom an email really goes to) are
// shown when the approver may see them: from runtime::HeldParameters for
// sessions this process runs, from the service for its approvers. When they
// are not to be had, the panel says so and shows the redacted ones as such.

#include "audit/approval.h"
#include "service/servicerecords.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace osh {
class AuditStore;
}

namespace osh::ui {

class ApprovalsModel;
class ServiceClient;

class ApprovalsPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kDefaultPollMs = 500;

    explicit ApprovalsPanel(QWidget *parent = nullptr);

    // Not owned; must outlive the panel or be replaced first. nullptr stops polling.
    void setStore(osh::AuditStore *store);
    // Through the service instead of a store (not owned); nullptr stops polling.
    void setService(ServiceClient *client);
    QString messageText() const;
    void setPollInterval(int ms);
    // How long "Approved #N." stays before it goes (default 8 s); errors
    // stay until the next action.
    void setConfirmationTimeout(int ms);
    ApprovalsModel *model() const { return m_model; }
    int pendingCount() const;
    qint64 selectedId() const; // -1 when nothing is selected
    bool selectId(qint64 id);
    // The name recorded as resolver: the user's login name.
    static QString resolverName();
    // Wide enough for the table's first columns and the note field.
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void refresh();
    // Resolve the selected approval with the note field's text; false (and
    // the reason shown inline) when nothing is selected or the store refused.
    // Through the service: true once the verdict is sent; resolved() follows.
    bool approveSelected();
    bool denySelected();

Q_SIGNALS:
    void pendingCountChanged(int count);
    // Once per approval this panel has not seen pending before.
    void newApproval(qint64 id, const QString &summary);
    // Through the service: the answer to a verdict (message: as shown inline).
    void resolved(qint64 id, bool ok, const QString &message);

private:
    bool resolveSelected(bool approve);
    void showSelected();
    void showError(const QString &message);
    void applyPending(std::vector<ApprovalRecord> pending, records::RealParametersById real);
    void setSource(osh::AuditStore *store, ServiceClient *client);

    osh::AuditStore *m_store = nullptr;
    QPointer<ServiceClient> m_client;
    bool m_pollInFlight = false;
    bool m_pollFailed = false;
    ApprovalsModel *m_model;
    QTableView *m_view;
    QLabel *m_parametersState;
    QPlainTextEdit *m_parameters;
    QPlainTextEdit *m_details;
    QLineEdit *m_note;
    QPushButton *m_approve;
    QPushButton *m_deny;
    QLabel *m_message;
    QTimer *m_timer;
    QTimer *m_confirmationTimer;
    void showConfirmation(const QString &text);
    QSet<qint64> m_seen;
    int m_lastCount = -1;
};

} // namespace osh::ui
