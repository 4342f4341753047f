#pragma once
// Approval brokers for escalated actions.
// StoreApprovalBroker persists each held action with its full context in the
// audit store and waits until someone resolves it (`osctl approvals`, the
// studio) or the timeout passes, which blocks it. FixedApprovalBroker answers
// every request the same way at once, still recording it in the store; it
// exists for unattended demos (`osctl demo`) and tests, and says so in the
// record's resolver.
//
// A store broker holds at most maxPending actions of one session at a time:
// an agent escalating in a loop gets the rest refused at once instead of
// burying the approvers (and the store) under requests. When the session
// ends, expireAll() expires what is still held and answers its waiters.

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
    static constexpr int kDefaultMaxPending = 20;

    StoreApprovalBroker(AuditStore *store, int timeoutSeconds, int maxPending = kDefaultMaxPending,
                        QObject *parent = nullptr);
    // Expires what is still held, in the store only: the waiters are being
    // torn down too, and calling into them now could reach freed objects.
    ~StoreApprovalBroker() override;
    void request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer) override;
    int pending() const { return static_cast<int>(m_waiting.size()); }
    // Expires every held action, in the store (with reason as its note) and
    // for its waiter (timedOut, note = reason), e.g. "the session ended".
    void expireAll(const std::string &reason);

Q_SIGNALS:
    void held(qint64 approvalId, const QString &tool, const QString &message);

private:
    struct Waiting
    {
        std::int64_t id;
        std::string sessionId;
        double deadline;
        std::function<void(ApprovalAnswer)> answer;
    };
    void poll();

    AuditStore *m_store;
    int m_timeoutSeconds;
    int m_maxPending;
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
