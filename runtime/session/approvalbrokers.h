#pragma once
// Approval brokers for escalated actions.
// StoreApprovalBroker persists each held action with its full context in the
// audit store and waits until someone resolves it (`osctl approvals`, the
// studio) or the timeout passes, which blocks it. FixedApprovalBroker answers
// every request the same way at once, still recording it in the store; it
// exists for unattended demos (`osctl demo`) and tests, and says so in the
// record's resolver.

#include "gateway/gatewayhooks.h"

#include <QObject>

class QTimer;

namespace osh {
class AuditStore;
}

namespace osh::runtime {

class StoreApprovalBroker final : public QObject, public ApprovalBroker
{
    Q_OBJECT

public:
    StoreApprovalBroker(AuditStore *store, int timeoutSeconds, QObject *parent = nullptr);
    void request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer) override;
    int pending() const { return static_cast<int>(m_waiting.size()); }

Q_SIGNALS:
    void held(qint64 approvalId, const QString &tool, const QString &message);

private:
    struct Waiting
    {
        std::int64_t id;
        double deadline;
        std::function<void(ApprovalAnswer)> answer;
    };
    void poll();

    AuditStore *m_store;
    int m_timeoutSeconds;
    QTimer *m_timer;
    std::vector<Waiting> m_waiting;
};

class FixedApprovalBroker final : public ApprovalBroker
{
public:
    FixedApprovalBroker(AuditStore *store, bool approve, std::string resolver)
        : m_store(store), m_approve(approve), m_resolver(std::move(resolver))
    {
    }
    void request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer) override;

private:
    AuditStore *m_store;
    bool m_approve;
    std::string m_resolver;
};

} // namespace osh::runtime
