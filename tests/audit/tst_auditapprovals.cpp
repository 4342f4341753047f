// Approvals: the held-escalation lifecycle, resolved from a second store
// instance (a second connection, as `osctl approvals` in another process,
// or another runtime host of a PostgreSQL store). Run with
// OSH_AUDIT_BACKEND=postgresql against a PostgreSQL store (storebackend.h).

#include "audit/auditstore.h"
#include "storebackend.h"

#include <QTemporaryDir>
#include <QTest>

#include <thread>

using osh::ApprovalRecord;
using osh::ApprovalStatus;
using osh::AuditStore;

class TstAuditApprovals : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend;
    std::string m_path;

    // host: the runtime host this instance records (a PostgreSQL store).
    static std::unique_ptr<AuditStore> open(const std::string &p, const std::string &host = {})
    {
        std::string error;
        AuditStore::Options options;
        options.host = host;
        auto s = AuditStore::open(p, options, error);
        if (!s)
            qWarning("open failed: %s", error.c_str());
        return s;
    }

    static ApprovalRecord held(std::int64_t seq, double createdAt = 0)
    {
        ApprovalRecord a;
        a.sessionId = "s";
        a.seq = seq;
        a.createdAt = createdAt;
        a.queue = "security";
        a.tool = "email_send";
        a.parameters = "{\"to\":\"[EMAIL]\"}";
        a.message = "mail to an external address needs review";
        a.policy = "review-external-mail";
        a.request = "{\"trigger\":\"tool_call\"}";
        a.decision = "{\"outcome\":\"escalate\"}";
        return a;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void init()
    {
        std::string error;
        QVERIFY2(m_backend.fresh(m_dir, error), error.c_str());
        m_path = m_backend.store();
    }

    void cleanup() { QFile::remove(QString::fromStdString(m_path)); }

    void addAndRead()
    {
        auto s = open(m_path);
        QVERIFY(s);
        const auto id = s->addApproval(held(7));
        QVERIFY(id && *id > 0);
        const auto a = s->approval(*id);
        QVERIFY(a);
        QCOMPARE(a->seq, std::int64_t(7));
        QCOMPARE(a->queue, std::string("security"));
        QCOMPARE(a->request, std::string("{\"trigger\":\"tool_call\"}"));
        QCOMPARE(a->decision, std::string("{\"outcome\":\"escalate\"}"));
        QVERIFY(a->status == ApprovalStatus::Pending);
        QVERIFY(!a->resolvedAt);
        QVERIFY(a->createdAt > 1e9);
        QCOMPARE(s->pendingApprovals().size(), std::size_t(1));
        QVERIFY(!s->approval(*id + 100));
    }

    void resolve_data()
    {
        QTest::addColumn<bool>("approve");
        QTest::newRow("approve") << true;
        QTest::newRow("deny") << false;
    }

    void resolve()
    {
        QFETCH(bool, approve);
        auto runtime = open(m_path);
        QVERIFY(runtime);
        const auto id = runtime->addApproval(held(1));
        QVERIFY(id);
        {
            auto osctl = open(m_path); // another connection, as another process has
            QVERIFY(osctl);
            QCOMPARE(osctl->pendingApprovals().size(), std::size_t(1));
            QVERIFY(osctl->resolveApproval(*id, approve, "looked fine", "alice"));
            // Only pending ones: a second verdict is refused.
            std::string error;
            QVERIFY(!osctl->resolveApproval(*id, !approve, "changed my mind", "bob", &error));
            QVERIFY2(error.empty(), error.c_str()); // refused, not failed
            QVERIFY(!osctl->resolveApproval(*id + 1, true, "", "bob"));
        }
        // The runtime's poll sees the other connection's commit.
        const auto a = runtime->approval(*id);
        QVERIFY(a);
        QVERIFY(a->status == (approve ? ApprovalStatus::Approved : ApprovalStatus::Denied));
        QCOMPARE(a->note, std::string("looked fine"));
        QCOMPARE(a->resolver, std::string("alice"));
        QVERIFY(a->resolvedAt && *a->resolvedAt >= a->createdAt);
        QVERIFY(runtime->pendingApprovals().empty());
        QCOMPARE(runtime->approvals().size(), std::size_t(1));
        QVERIFY(!a->resolverUid); // not given
    }

    void resolverUid_data()
    {
        QTest::addColumn<bool>("approve");
        QTest::addColumn<uint>("uid");
        QTest::newRow("approve as a user") << true << 1000u;
        QTest::newRow("deny as root") << false << 0u;
        QTest::newRow("the largest uid") << true << 4294967294u;
    }

    void resolverUid()
    {
        QFETCH(bool, approve);
        QFETCH(uint, uid);
        auto s = open(m_path);
        QVERIFY(s);
        const auto id = s->addApproval(held(1));
        const auto other = s->addApproval(held(2));
        QVERIFY(id && other);
        QVERIFY(s->resolveApproval(*id, approve, "checked", "alice", std::uint32_t(uid)));
        const auto a = s->approval(*id);
        QVERIFY(a->status == (approve ? ApprovalStatus::Approved : ApprovalStatus::Denied));
        QCOMPARE(a->resolver, std::string("alice"));
        QVERIFY(a->resolverUid == std::uint32_t(uid));
        // A second verdict, with another uid, changes nothing.
        QVERIFY(!s->resolveApproval(*id, !approve, "", "mallory", 666u));
        QVERIFY(s->approval(*id)->resolverUid == std::uint32_t(uid));
        // Expiry is nobody's uid.
        QVERIFY(s->expireApproval(*other, "too late"));
        QVERIFY(!s->approval(*other)->resolverUid);
    }

    void runtimePollsWhileAnotherResolves()
    {
        auto runtime = open(m_path);
        QVERIFY(runtime);
        const auto id = runtime->addApproval(held(1));
        QVERIFY(id);
        std::thread human([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            auto osctl = open(m_path);
            if (osctl)
                osctl->resolveApproval(*id, true, "", "human");
        });
        ApprovalStatus status = ApprovalStatus::Pending;
        for (int i = 0; i < 500 && status == ApprovalStatus::Pending; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            status = runtime->approval(*id)->status;
        }
        human.join();
        QVERIFY(status == ApprovalStatus::Approved);
    }

    void expire()
    {
        auto s = open(m_path);
        QVERIFY(s);
        const auto old1 = s->addApproval(held(1, 1000));
        const auto old2 = s->addApproval(held(2, 2000));
        const auto fresh = s->addApproval(held(3, 5000));
        QVERIFY(old1 && old2 && fresh);
        QVERIFY(s->resolveApproval(*old2, false, "", "alice"));
        QCOMPARE(s->expireApprovals(3000), std::int64_t(1)); // old2 is resolved already
        QVERIFY(s->approval(*old1)->status == ApprovalStatus::Expired);
        QCOMPARE(s->approval(*old1)->resolver, std::string("expiry"));
        QVERIFY(s->approval(*old2)->status == ApprovalStatus::Denied);
        QVERIFY(s->approval(*fresh)->status == ApprovalStatus::Pending);
        QVERIFY(!s->resolveApproval(*old1, true, "", "late")); // expired is final
        QCOMPARE(s->expireApprovals(3000), std::int64_t(0));
    }

    // Any host of a shared store may decide an approval another host holds;
    // each host expires only its own by age (their timeouts may differ).
    void otherHosts()
    {
        auto a = open(m_path, "host-a");
        auto b = open(m_path, "host-b");
        QVERIFY(a && b);
        const auto first = a->addApproval(held(1, 1000));
        const auto second = a->addApproval(held(2, 1000));
        QVERIFY(first && second);
        QVERIFY(b->resolveApproval(*first, true, "fine", "bob", 1000u));
        QVERIFY(a->approval(*first)->status == ApprovalStatus::Approved);
        QCOMPARE(a->approval(*first)->resolverUid, std::optional<std::uint32_t>(1000));
        if (!m_backend.isPostgres())
            return; // one SQLite file is one host's
        QCOMPARE(b->expireApprovals(3000), std::int64_t(0));
        QVERIFY(a->approval(*second)->status == ApprovalStatus::Pending);
        QCOMPARE(a->expireApprovals(3000), std::int64_t(1));
        QCOMPARE(m_backend.text("SELECT host FROM approvals WHERE id = " + std::to_string(*second)),
                 std::string("host-a"));
    }

    // One approval's owner and one session's host, each by key (the
    // service's checks on a single approval): they agree with the owner
    // filter of the listings, and name the host that began the session.
    void ownerAndHostByKey()
    {
        auto a = open(m_path, "host-a");
        auto b = open(m_path, "host-b");
        QVERIFY(a && b);
        osh::SessionRecord owned;
        owned.id = "s";
        owned.ownerUid = 1000;
        a->beginSession(owned);
        osh::SessionRecord ownerless;
        ownerless.id = "t";
        a->beginSession(ownerless);
        QVERIFY(a->flush(10000));
        const auto mine = a->addApproval(held(1));
        ApprovalRecord r = held(2);
        r.sessionId = "t";
        const auto noOwner = a->addApproval(r);
        r.sessionId = "never-begun";
        const auto noSession = a->addApproval(r);
        QVERIFY(mine && noOwner && noSession);

        std::string error;
        QCOMPARE(b->approvalOwner(*mine, &error), std::optional<std::uint32_t>(1000));
        QVERIFY(error.empty());
        QVERIFY(!b->approvalOwner(*noOwner));
        QVERIFY(!b->approvalOwner(*noSession));
        QVERIFY(!b->approvalOwner(*noSession + 100, &error));
        QVERIFY2(error.empty(), error.c_str());
        const auto listed = b->approvalsOwnedBy(1000);
        QCOMPARE(listed.size(), std::size_t(1));
        QCOMPARE(listed[0].id, *mine);

        // A PostgreSQL store names the host that ran the session, whoever asks;
        // an SQLite file is one host's and names none.
        const std::string host = m_backend.isPostgres() ? "host-a" : "";
        QCOMPARE(b->sessionHost("s", &error), std::optional<std::string>(host));
        QCOMPARE(a->sessionHost("t"), std::optional<std::string>(host));
        QVERIFY(!b->sessionHost("never-begun", &error));
        QVERIFY2(error.empty(), error.c_str());
    }

    void idsAreNeverReused()
    {
        std::int64_t first = 0;
        {
            auto s = open(m_path);
            QVERIFY(s);
            first = *s->addApproval(held(1));
        }
        auto s = open(m_path);
        QVERIFY(s);
        QCOMPARE(*s->addApproval(held(2)), first + 1);
        const auto list = s->pendingApprovals();
        QCOMPARE(list.size(), std::size_t(2));
        QCOMPARE(list[0].id, first); // oldest first
    }
};

QTEST_GUILESS_MAIN(TstAuditApprovals)
#include "tst_auditapprovals.moc"
