#include "approvalbrokers.h"

#include "audit/auditstore.h"
#include "heldparameters.h"

#include <QTimer>

#include <algorithm>

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

StoreApprovalBroker::StoreApprovalBroker(AuditStore *store, int timeoutSeconds, int maxPending, QObject *parent)
    : QObject(parent), m_store(store), m_timeoutSeconds(timeoutSeconds), m_maxPending(maxPending), m_timer(new QTimer(this))
{
    m_timer->setInterval(200);
    connect(m_timer, &QTimer::timeout, this, &StoreApprovalBroker::poll);
}

StoreApprovalBroker::~StoreApprovalBroker()
{
    for (const auto &w : m_waiting) {
        HeldParameters::instance().release(w.sessionId, w.id);
        m_store->expireApproval(w.id, "the session ended");
    }
}

void StoreApprovalBroker::expireAll(const std::string &reason)
{
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    m_timer->stop();
    for (auto &w : waiting) {
        HeldParameters::instance().release(w.sessionId, w.id);
        m_store->expireApproval(w.id, reason);
        ApprovalAnswer a;
        a.timedOut = true;
        a.note = reason;
        w.answer(a);
    }
}

void StoreApprovalBroker::request(ApprovalRequest request, std::function<void(ApprovalAnswer)> answer)
{
    const auto holding = std::count_if(m_waiting.begin(), m_waiting.end(),
                                       [&](const Waiting &w) { return w.sessionId == request.sessionId; });
    if (holding >= m_maxPending) {
        // Not recorded as an approval: nobody is meant to look at it. The
        // gateway's audit event for the answer records the refusal.
        ApprovalAnswer a;
        a.refused = true;
        a.note = "too many actions are waiting for approval (" + std::to_string(m_maxPending) + "): this one is refused";
        QTimer::singleShot(0, this, [answer, a] { answer(a); });
        return;
    }
    std::string error;
    const auto id = m_store->addApproval(recordOf(request), &error);
    if (!id) {
        // Nobody can approve what was not recorded: the action stays blocked.
        ApprovalAnswer a;
        a.refused = true;
        a.note = "the approval could not be recorded: " + error;
        QTimer::singleShot(0, this, [answer, a] { answer(a); });
        return;
    }
    HeldParameters::instance().hold(request.sessionId, *id, std::move(request.realParametersJson));
    m_waiting.push_back({*id, request.sessionId, AuditStore::now() + m_timeoutSeconds, std::move(answer)});
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
            HeldParameters::instance().release(it->sessionId, it->id);
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
