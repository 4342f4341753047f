#pragma once
// The approvals dock: polls the audit store for held escalations (every
// session's, and other processes' too, since the store is shared), shows the
// selected one's full context, and approves or denies it with a note. The
// runtime's StoreApprovalBroker notices the verdict on its own poll.

#include <QSet>
#include <QWidget>

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

class ApprovalsPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kDefaultPollMs = 500;

    explicit ApprovalsPanel(QWidget *parent = nullptr);

    // Not owned; must outlive the panel or be replaced first. nullptr stops polling.
    void setStore(osh::AuditStore *store);
    void setPollInterval(int ms);
    ApprovalsModel *model() const { return m_model; }
    int pendingCount() const;
    qint64 selectedId() const; // -1 when nothing is selected
    bool selectId(qint64 id);
    // The name recorded as resolver: the user's login name.
    static QString resolverName();

public Q_SLOTS:
    void refresh();
    // Resolve the selected approval with the note field's text; false (and
    // the reason shown inline) when nothing is selected or the store refused.
    bool approveSelected();
    bool denySelected();

Q_SIGNALS:
    void pendingCountChanged(int count);
    // Once per approval this panel has not seen pending before.
    void newApproval(qint64 id, const QString &summary);

private:
    bool resolveSelected(bool approve);
    void showSelected();
    void showError(const QString &message);

    osh::AuditStore *m_store = nullptr;
    ApprovalsModel *m_model;
    QTableView *m_view;
    QPlainTextEdit *m_details;
    QLineEdit *m_note;
    QPushButton *m_approve;
    QPushButton *m_deny;
    QLabel *m_message;
    QTimer *m_timer;
    QSet<qint64> m_seen;
    int m_lastCount = -1;
};

} // namespace osh::ui
