#include "approvalbrokers.h"

#include "audit/auditstore.h"

#include <QTimer>

namespace osh::runtime {

namespace {
ApprovalRecord recordOf(const ApprovalRequest &r)
{
    ApprovalRecord a;
    a.sessionId = r.sessionId;
    a.seq = r.seq;
    a.queue = r.queue;
    a.tool = r.tool;
    a.parameters = r.parametersJson;
    a.message = r.message;
    a.policy = r.policy;
    a.request = r.requestJson;
    a.decision = r.decisionJson;
    return a;
}
} // namespace

StoreApprovalBroker::StoreApprovalBroker(AuditStore *store, int timeoutSeconds, QObject *parent)
    : QObject(parent), m_store(store), m_timeoutSeconds(timeoutSeconds), m_timer(new QTimer(this))
{
    m_timer->setInterval(200);
    connect(m_timer, &QTimer::timeout, this, &StoreApprovalBroker::poll);
}

void StoreApprovalBroker::request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer)
{
    std::string error;
    const auto id = m_store->addApproval(recordOf(request), &error);
    if (!id) {
        // Nobody can approve what was not recorded: the action stays blocked.
        ApprovalAnswer a;
        a.note = "the approval could not be recorded: " + error;
        QTimer::singleShot(0, this, [answer, a] { answer(a); });
        return;
    }
    m_waiting.push_back({*id, AuditStore::now() + m_timeoutSeconds, std::move(answer)});
    Q_EMIT held(*id, QString::fromStdString(request.tool), QString::fromStdString(request.message));
    if (!m_timer->isActive())
        m_timer->start();
}

void StoreApprovalBroker::poll()
{
    const double now = AuditStore::now();
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        const auto rec = m_store->approval(it->id);
        ApprovalAnswer a;
        bool done = false;
        if (rec && rec->status != ApprovalStatus::Pending) {
            a.approved = rec->status == ApprovalStatus::Approved;
            a.timedOut = rec->status == ApprovalStatus::Expired;
            a.note = rec->note;
            done = true;
        } else if (now >= it->deadline) {
            // Expire it in the store so a late approver cannot release it.
            m_store->resolveApproval(it->id, false, "approval timed out", "expiry");
            a.timedOut = true;
            done = true;
        }
        if (done) {
            auto answer = std::move(it->answer);
            it = m_waiting.erase(it);
            answer(a);
        } else {
            ++it;
        }
    }
    if (m_waiting.empty())
        m_timer->stop();
}

void FixedApprovalBroker::request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer)
{
    ApprovalAnswer a;
    a.approved = m_approve;
    a.note = m_resolver;
    if (m_store) {
        if (const auto id = m_store->addApproval(recordOf(request)))
            m_store->resolveApproval(*id, m_approve, m_resolver, m_resolver);
    }
    QTimer::singleShot(0, [answer, a] { answer(a); });
}

} // namespace osh::runtime
