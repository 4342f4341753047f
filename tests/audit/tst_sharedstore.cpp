// The audit store shared by several hosts in PostgreSQL: what only a
// shared store has (hosts, sessions nobody began, a commit whose answer was
// lost) and PostgreSQL's own limits (encoding, index row size, float
// output), each against a fresh database of a throwaway cluster. The suites
// common to both backends are tst_auditstore, tst_auditstore_query and
// tst_auditstore_writes (run as <name>_pg).

#include "audit/auditchain.h"
#include "audit/auditstore.h"
#include "eventfixtures.h"
#include "storebackend.h"

#include <QTest>

#include <atomic>
#include <tuple>

using osh::AuditEvent;
using osh::AuditStore;
using osh::test::ids;
using osh::test::makeEvent;
using osh::test::openOrWarn;

namespace {



// Counts the store's reports that contain text.
void countReports(AuditStore &s, const char *text, std::atomic<int> &count)
{
    s.setErrorHandler([text, &count](const std::string &m) {
        if (m.find(text) != std::string::npos)
            ++count;
    });
}

} // namespace

class TstSharedStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend{osh::test::StoreBackend::Postgres};

    std::string path() const { return m_backend.store(); }

    // The store as one runtime host.
    std::unique_ptr<AuditStore> openAs(const std::string &host)
    {
        AuditStore::Options o;
        o.host = host;
        std::string error;
        auto s = AuditStore::open(path(), o, error);
        if (!s)
            qWarning("open as %s failed: %s", host.c_str(), error.c_str());
        return s;
    }

    // The store's one session verifies (with that many events, when given).
    void checkChainIntact(std::int64_t events = -1)
    {
        std::vector<osh::audit::ChainReport> reports;
        std::string error;
        QVERIFY2(osh::audit::verifyChains(path(), {}, reports, error), error.c_str());
        QCOMPARE(reports.size(), std::size_t(1));
        QVERIFY2(!reports[0].broken, reports[0].problem.c_str());
        if (events >= 0)
            QCOMPARE(reports[0].events, events);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
    }

    void init()
    {
        std::string error;
        QVERIFY2(m_backend.fresh(m_dir, error), error.c_str());
    }

    // osctl's commands read a store and never make one: a database without
    // the schema is refused when the store is not to be created.
    void readersDoNotCreate()
    {
        AuditStore::Options o;
        o.create = false;
        std::string error;
        QVERIFY(!AuditStore::open(path(), o, error));
        QVERIFY2(error.find("no audit store in this database") != std::string::npos, error.c_str());
        QCOMPARE(m_backend.text("SELECT to_regclass('openshell.meta') IS NULL"), std::string("t"));
        QVERIFY(openOrWarn(path()));
        QVERIFY2(AuditStore::open(path(), o, error), error.c_str());
    }

    // Two hosts of one PostgreSQL store: a session id one host uses is
    // never taken over by the other; each session records its host.
    void sessionOfAnotherHost()
    {
        auto first = openAs("host-a");
        auto second = openAs("host-b");
        QVERIFY(first && second);
        std::atomic<int> refusals{0};
        countReports(*second, "another host", refusals);
        osh::SessionRecord rec;
        rec.id = "shared-id";
        rec.command = "[\"a\"]";
        first->beginSession(rec);
        QVERIFY(first->flush());
        first->append(makeEvent("shared-id", 1000, "tool_call", "a", "allow", "info"));
        QVERIFY(first->flush());
        rec.command = "[\"b\"]";
        second->beginSession(rec);
        second->append(makeEvent("shared-id", 1001, "tool_call", "b", "allow", "info"));
        QVERIFY(!second->flush(20000));
        QCOMPARE(refusals.load(), 2); // the session record and its event
        QCOMPARE(ids(first->query({})), QStringLiteral("shared-id1"));
        const auto list = second->sessions();
        QCOMPARE(list.size(), std::size_t(1));
        QCOMPARE(list[0].session.host, std::string("host-a"));
        QCOMPARE(list[0].session.command, std::string("[\"a\"]"));
    }

    // A COMMIT whose answer was lost is retried: an event it did store
    // (same session, seq and chain value) counts as written, not as a
    // refused duplicate, and is not counted twice.
    void retriedCommitIsNotRefused()
    {
        auto s = openOrWarn(path());
        QVERIFY(s);
        s->append(makeEvent("r", 1000, "tool_call", "a", "allow", "info"));
        QVERIFY(s->flush());
        auto second = makeEvent("r", 1001, "tool_call", "b", "block", "info");
        second.seq = 2;
        const std::string chain = osh::audit::chainNext(s->event("r", 1)->chain, second);
        // What the lost commit stored.
        QCOMPARE(m_backend.exec("INSERT INTO events(session_id, seq, ts, type, tool, parameters, decision, severity, chain) "
                                "VALUES ('r', 2, 1001, 'tool_call', 'b', '{\"k\":1}', 'block', 'info', '" + chain + "')"),
                 std::string());
        std::atomic<int> refusals{0};
        s->setErrorHandler([&](const std::string &) { ++refusals; });
        s->append(second);
        QVERIFY2(s->flush(10000), s->lastError().c_str());
        QCOMPARE(refusals.load(), 0);
        QCOMPARE(ids(s->query({})), QStringLiteral("r1,r2"));
        // Another event under a stored seq is still refused.
        auto other = makeEvent("r", 1002, "tool_call", "c", "allow", "info");
        other.seq = 2;
        s->append(other);
        QVERIFY(!s->flush(10000));
        QCOMPARE(refusals.load(), 1);
        // The same from a fresh store instance, which knows no chain head
        // yet: the lost commit stored seq 3 and 4, the retry sends both.
        auto third = makeEvent("r", 1003, "tool_call", "d", "allow", "info");
        third.seq = 3;
        auto fourth = makeEvent("r", 1004, "tool_call", "e", "allow", "info");
        fourth.seq = 4;
        const std::string chain3 = osh::audit::chainNext(chain, third);
        const std::string chain4 = osh::audit::chainNext(chain3, fourth);
        for (const auto &[seq, tool, value] : {std::tuple{3, "d", chain3}, std::tuple{4, "e", chain4}})
            QCOMPARE(m_backend.exec("INSERT INTO events(session_id, seq, ts, type, tool, parameters, decision, severity, "
                                    "chain) VALUES ('r', " + std::to_string(seq) + ", " + std::to_string(1000 + seq)
                                    + ", 'tool_call', '" + tool + "', '{\"k\":1}', 'allow', 'info', '" + value + "')"),
                     std::string());
        s.reset();
        auto fresh = openOrWarn(path());
        QVERIFY(fresh);
        fresh->append(third);
        fresh->append(fourth);
        QVERIFY2(fresh->flush(10000), fresh->lastError().c_str());
        checkChainIntact(4);
    }

    // An approval whose COMMIT answer was lost is written again: the retry
    // finds the approval that commit stored (by its token) and returns its
    // id, instead of holding a second pending approval for one action.
    void retriedApprovalIsNotAddedTwice()
    {
        auto s = openAs("host-a");
        QVERIFY(s);
        osh::ApprovalRecord a;
        a.sessionId = "r";
        a.seq = 3;
        a.tool = "email_send";
        a.createdAt = 1000;
        a.token = "0123456789abcdef0123456789abcdef";
        // What the lost commit stored.
        QCOMPARE(m_backend.exec("INSERT INTO approvals(host, session_id, seq, created_at, tool, token) "
                                "VALUES ('host-a', 'r', 3, 1000, 'email_send', '" + a.token + "')"),
                 std::string());
        const std::string stored = m_backend.text("SELECT id FROM approvals");
        std::string error;
        const auto id = s->addApproval(a, &error);
        QVERIFY2(id, error.c_str());
        QCOMPARE(std::to_string(*id), stored);
        QCOMPARE(m_backend.text("SELECT count(*) FROM approvals"), std::string("1"));
        // The same token of another host is another approval.
        auto other = openAs("host-b");
        QVERIFY(other);
        const auto second = other->addApproval(a, &error);
        QVERIFY2(second, error.c_str());
        QVERIFY(*second != *id);
        // And every approval gets a token of its own.
        a.token.clear();
        const auto third = s->addApproval(a, &error);
        const auto fourth = s->addApproval(a, &error);
        QVERIFY(third && fourth && *third != *fourth);
        QCOMPARE(m_backend.text("SELECT count(DISTINCT token) FROM approvals WHERE host = 'host-a'"), std::string("3"));
    }

    // A sole writer (the service) holds its host name: a second one is
    // refused at open, and other writers under that name write no event
    // while it is open (their batches are retried, nothing is lost).
    // Other host names are not concerned.
    void soleWriterHoldsItsHostName()
    {
        AuditStore::Options sole;
        sole.host = "host-a";
        sole.soleWriter = true;
        std::string error;
        auto service = AuditStore::open(path(), sole, error);
        QVERIFY2(service, error.c_str());
        QVERIFY(!AuditStore::open(path(), sole, error));
        QVERIFY2(error.find("another writer uses the host name host-a") != std::string::npos, error.c_str());

        auto run = openAs("host-a");
        QVERIFY(run);
        std::atomic<int> held{0};
        countReports(*run, "is held by its service", held);
        run->append(makeEvent("by-run", 1000, "tool_call", "a", "allow", "info"));
        QVERIFY(!run->flush(1500));
        QVERIFY(held.load() > 0);
        auto other = openAs("host-b");
        QVERIFY(other);
        other->append(makeEvent("by-b", 1000, "tool_call", "b", "allow", "info"));
        QVERIFY2(other->flush(10000), other->lastError().c_str());
        service->append(makeEvent("by-service", 1000, "tool_call", "s", "allow", "info"));
        QVERIFY2(service->flush(10000), service->lastError().c_str());

        // The service gone, the run's event is written; while the run
        // writes, no service starts under its name.
        service.reset();
        QVERIFY2(run->flush(20000), run->lastError().c_str());
        QCOMPARE(m_backend.text("SELECT string_agg(session_id || '@' || host, ',' ORDER BY id) FROM events"),
                 std::string("by-b@host-b,by-service@host-a,by-run@host-a"));
        QVERIFY(!AuditStore::open(path(), sole, error));
        QVERIFY2(error.find("another writer uses the host name host-a") != std::string::npos, error.c_str());
        run.reset();
        QVERIFY2(AuditStore::open(path(), sole, error), error.c_str());
    }

    // Events of a session nobody began (the service's own refusals, an
    // import) belong to the first host that writes them: another host's
    // are refused, never chained into the same session.
    void sessionNobodyBegan()
    {
        auto first = openAs("host-a");
        auto second = openAs("host-b");
        QVERIFY(first && second);
        std::atomic<int> refusals{0};
        countReports(*second, "another host", refusals);
        first->append(makeEvent("common", 1000, "api", "", "block", "warning"));
        QVERIFY(first->flush());
        second->append(makeEvent("common", 1001, "api", "", "block", "warning"));
        QVERIFY(!second->flush(10000));
        QCOMPARE(refusals.load(), 1);
        first->append(makeEvent("common", 1002, "api", "", "block", "warning"));
        QVERIFY(first->flush());
        QCOMPARE(ids(first->query({})), QStringLiteral("common1,common2"));
        QCOMPARE(m_backend.text("SELECT host FROM sessions WHERE id = 'common'"), std::string("host-a"));
        checkChainIntact();
    }

    // Times read back exactly whatever the server's float output setting
    // (a rounded time would break the chain and page cursors).
    void timesExactWhateverTheServerSays()
    {
        QCOMPARE(m_backend.exec("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET extra_float_digits = 0', "
                                "current_database()); END $$"),
                 std::string());
        auto s = openOrWarn(path());
        QVERIFY(s);
        s->append(makeEvent("f", 1733320921.1234567, "usage", "", "", "info"));
        QVERIFY(s->flush());
        QCOMPARE(s->event("f", 1)->ts, 1733320921.1234567);
        checkChainIntact();
    }

    // What PostgreSQL cannot store is refused before it can stall the
    // store: a database that is not UTF-8, an id too long for an index.
    void whatPostgresCannotStore()
    {
        QCOMPARE(m_backend.exec("CREATE DATABASE latin ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"),
                 std::string());
        std::string latin = path();
        latin.replace(latin.find(":///") + 4, latin.find('?') - latin.find(":///") - 4, "latin");
        std::string error;
        QVERIFY(!AuditStore::open(latin, error));
        QVERIFY2(error.find("not UTF8") != std::string::npos, error.c_str());
        QCOMPARE(m_backend.exec("DROP DATABASE latin"), std::string());

        auto s = openOrWarn(path());
        QVERIFY(s);
        std::atomic<int> refusals{0};
        s->setErrorHandler([&](const std::string &m) {
            if (m.find("longer than") != std::string::npos)
                ++refusals;
        });
        s->append(makeEvent(std::string(3000, 'x'), 1, "usage", "", "", "info"));
        s->append(makeEvent("short", 2, "usage", "", "", "info"));
        QVERIFY(!s->flush(10000));
        QCOMPARE(refusals.load(), 1);
        QCOMPARE(ids(s->query({})), QStringLiteral("short1"));
    }
};

QTEST_GUILESS_MAIN(TstSharedStore)
#include "tst_sharedstore.moc"
