// StoreApprovalBroker under an escalation flood: only maxPending actions of
// a session are held at once, the rest are refused at once with the reason;
// ending the session expires what is held, in the store and for its waiters.

#include "audit/auditstore.h"
#include "session/approvalbrokers.h"
#include "session/heldparameters.h"

#include <QTemporaryDir>
#include <QTest>

using namespace osh;
using namespace osh::runtime;

namespace {

ApprovalRequest escalation(const std::string &session, std::int64_t seq)
{
    ApprovalRequest r;
    r.sessionId = session;
    r.seq = seq;
    r.queue = "default";
    r.tool = "email_send";
    r.parametersJson = "{\"to\":\"[EMAIL]\"}";
    r.message = "needs review";
    return r;
}

const std::string kRefusal = "too many actions are waiting for approval (20): this one is refused";

} // namespace

class TstApprovalBroker : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<AuditStore> m_store;

    std::size_t pendingOf(const std::string &session) const
    {
        std::size_t n = 0;
        for (const auto &a : m_store->pendingApprovals())
            n += a.sessionId == session ? 1 : 0;
        return n;
    }

private Q_SLOTS:
    void init()
    {
        std::string error;
        m_store = AuditStore::open(m_dir.path().toStdString() + "/b" + std::to_string(++m_n) + ".db", error);
        QVERIFY2(m_store, error.c_str());
    }
    void cleanup() { m_store.reset(); }

    void floodIsCappedThenExpiredWithTheSession()
    {
        StoreApprovalBroker broker(m_store.get(), 300);
        std::vector<std::optional<ApprovalAnswer>> answers(500);
        for (int i = 0; i < 500; ++i)
            broker.request(escalation("s", i + 1), [&answers, i](ApprovalAnswer a) {
                QVERIFY(!answers[i]); // answered once
                answers[i] = a;
            });
        // Another session is not held back by this one's flood.
        std::optional<ApprovalAnswer> otherAnswer;
        broker.request(escalation("t", 1), [&](ApprovalAnswer a) { otherAnswer = a; });

        auto answered = [&] { return std::count_if(answers.begin(), answers.end(), [](const auto &a) { return a.has_value(); }); };
        QTRY_COMPARE_WITH_TIMEOUT(answered(), 480, 2000);
        QTest::qWait(50);
        QCOMPARE(answered(), 480);
        for (int i = 0; i < 500; ++i) {
            if (i < 20) {
                QVERIFY(!answers[i]);
                continue;
            }
            QVERIFY(answers[i]->refused);
            QVERIFY(!answers[i]->approved);
            QCOMPARE(answers[i]->note, kRefusal);
        }
        QVERIFY(!otherAnswer);
        QCOMPARE(broker.pending(), 21);
        QCOMPARE(pendingOf("s"), std::size_t(20));
        QCOMPARE(pendingOf("t"), std::size_t(1));
        QCOMPARE(m_store->approvals().size(), std::size_t(21)); // refused ones are not held records

        broker.expireAll("the session ended");
        QCOMPARE(broker.pending(), 0);
        for (int i = 0; i < 20; ++i) {
            QVERIFY(answers[i]);
            QVERIFY(answers[i]->timedOut);
            QVERIFY(!answers[i]->approved);
            QVERIFY(!answers[i]->refused);
            QCOMPARE(answers[i]->note, std::string("the session ended"));
        }
        QVERIFY(otherAnswer && otherAnswer->timedOut);
        QVERIFY(m_store->pendingApprovals().empty());
        for (const auto &a : m_store->approvals()) {
            QVERIFY(a.status == ApprovalStatus::Expired);
            QCOMPARE(a.note, std::string("the session ended"));
        }
    }

    void capIsConfigurableAndFreedByAVerdict()
    {
        StoreApprovalBroker broker(m_store.get(), 300, 2);
        int refused = 0;
        std::optional<ApprovalAnswer> first;
        broker.request(escalation("s", 1), [&](ApprovalAnswer a) { first = a; });
        broker.request(escalation("s", 2), [](ApprovalAnswer) {});
        broker.request(escalation("s", 3), [&](ApprovalAnswer a) { refused += a.refused ? 1 : 0; });
        QTRY_COMPARE(refused, 1);
        const auto pending = m_store->pendingApprovals();
        QCOMPARE(pending.size(), std::size_t(2));
        QVERIFY(m_store->resolveApproval(pending.front().id, false, "no", "alice"));
        QTRY_VERIFY(first.has_value());
        QVERIFY(!first->refused);
        // A slot is free again.
        bool held = true;
        broker.request(escalation("s", 4), [&](ApprovalAnswer a) { held = !a.refused; });
        QTest::qWait(50);
        QCOMPARE(broker.pending(), 2);
        QVERIFY(held);
    }

    // An agent cannot grow the service with the real parameters of held
    // actions: one over 64 KiB is not held, nor any past the process's budget.
    void heldParametersAreBounded()
    {
        auto &held = osh::runtime::HeldParameters::instance();
        const std::size_t before = held.size();
        QVERIFY(held.hold("s-bound", 1, std::string(1024, 'x')));
        QCOMPARE(held.find("s-bound", 1)->size(), std::size_t(1024));
        QVERIFY(!held.hold("s-bound", 2, std::string(osh::runtime::HeldParameters::kMaxEach + 1, 'x')));
        QVERIFY(!held.find("s-bound", 2));
        std::int64_t id = 10;
        std::size_t total = 1024;
        while (held.hold("s-bound", id, std::string(osh::runtime::HeldParameters::kMaxEach, 'y'))) {
            total += osh::runtime::HeldParameters::kMaxEach;
            QVERIFY(total <= osh::runtime::HeldParameters::kMaxTotal);
            ++id;
        }
        QVERIFY(total > osh::runtime::HeldParameters::kMaxTotal - osh::runtime::HeldParameters::kMaxEach);
        // Released, their bytes count no more.
        for (std::int64_t i = 10; i < id; ++i)
            held.release("s-bound", i);
        held.release("s-bound", 1);
        QCOMPARE(held.size(), before);
        QVERIFY(held.hold("s-bound", 3, std::string(osh::runtime::HeldParameters::kMaxEach, 'z')));
        held.release("s-bound", 3);
    }

    void destroyingTheBrokerExpiresInTheStore()
    {
        {
            StoreApprovalBroker broker(m_store.get(), 300);
            for (int i = 0; i < 3; ++i)
                broker.request(escalation("s", i + 1), [](ApprovalAnswer) {});
            QCOMPARE(pendingOf("s"), std::size_t(3));
        }
        QVERIFY(m_store->pendingApprovals().empty());
        for (const auto &a : m_store->approvals())
            QVERIFY(a.status == ApprovalStatus::Expired);
    }
};

QTEST_GUILESS_MAIN(TstApprovalBroker)
#include "tst_approvalbroker.moc"
