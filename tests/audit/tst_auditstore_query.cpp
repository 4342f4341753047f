// AuditStore queries: every filter, the order of events, cursor text and
// paging, owner filters of events and approvals, and session counts. Run
// with OSH_AUDIT_BACKEND=postgresql, the same tests run against a PostgreSQL
// store (storebackend.h).

#include "audit/auditstore.h"
#include "auditstorefixture.h"

#include <QTest>

#include <cmath>
#include <set>
#include <tuple>

using osh::AuditCursor;
using osh::AuditEvent;
using osh::AuditQuery;
using osh::AuditStore;
using osh::test::ids;
using osh::test::makeEvent;

namespace {

AuditEvent at(const std::string &session, std::int64_t seq, double ts, const std::string &type = "tool_call")
{
    auto e = makeEvent(session, ts, type, "t", "allow", "info");
    e.seq = seq;
    return e;
}

// Begins a session with an owner (none: recorded in-process).
void begin(AuditStore &s, const std::string &id, std::optional<std::uint32_t> owner, double startedAt = 0)
{
    osh::SessionRecord r;
    r.id = id;
    r.startedAt = startedAt;
    r.ownerUid = owner;
    s.beginSession(r);
}

// The items of a comma-separated list.
std::vector<std::string> list(const QString &csv)
{
    std::vector<std::string> out;
    for (const auto &s : csv.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(s.toStdString());
    return out;
}

} // namespace

class TstAuditStoreQuery : public osh::test::AuditStoreFixture
{
    Q_OBJECT

    // A fixture where no single column orders the result: timestamps tie
    // across sessions, seq order differs from insertion order, a later
    // insert has an earlier ts, two timestamps are one ulp apart, and
    // kTied events more share a few seconds. In query order it starts
    // c2 a1 c1 b2 b1 a2 a3.
    static constexpr int kTied = 40;
    void fillForPaging(AuditStore &s)
    {
        const double t = 1764200000.1;            // not exact in binary
        const double t2 = std::nextafter(t, 2e9); // the next double
        s.append(at("b", 2, t));
        s.append(at("a", 1, t));
        s.append(at("c", 1, t));
        s.append(at("a", 2, t2, "network_egress"));
        s.append(at("b", 1, t2));
        s.append(at("c", 2, t - 10));
        s.append(at("a", 3, t2));
        for (int i = 0; i < kTied; ++i) {
            const std::string session = "s" + std::to_string(i % 3);
            s.append(at(session, 0, t + 5 + (i * 7) % 4, i % 5 ? "tool_call" : "network_egress"));
        }
        QVERIFY(s.flush());
    }

    // Pages through q with limit n: every event of the whole result once,
    // in order, and no page longer than n.
    static void checkPaging(const AuditStore &s, AuditQuery q, std::int64_t n)
    {
        q.limit = 0;
        q.after.clear();
        std::string error;
        const auto whole = s.query(q, &error);
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(!whole.empty());
        q.limit = n;
        std::vector<AuditEvent> paged;
        for (int pages = 0;; ++pages) {
            QVERIFY(pages <= int(whole.size()) + 1);
            const auto page = s.query(q, &error);
            QVERIFY2(error.empty(), error.c_str());
            QVERIFY(std::int64_t(page.size()) <= n);
            if (page.empty())
                break;
            paged.insert(paged.end(), page.begin(), page.end());
            q.after = AuditCursor::of(page.back()).toString();
        }
        QCOMPARE(ids(paged), ids(whole));
    }

private Q_SLOTS:
    void queryFilters_data()
    {
        QTest::addColumn<double>("since");
        QTest::addColumn<double>("until");
        QTest::addColumn<QString>("session");
        QTest::addColumn<QString>("types");
        QTest::addColumn<QString>("severities");
        QTest::addColumn<QString>("decisions");
        QTest::addColumn<QString>("tool");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QString>("expected");
        const QString all = QStringLiteral("a1,b1,a2,b2,a3,a4,b3");
        const QString none;
        QTest::newRow("everything, ts then seq") << 0.0 << 0.0 << none << none << none << none << none << 0 << all;
        QTest::newRow("since") << 1015.0 << 0.0 << none << none << none << none << none << 0 << QStringLiteral("b2,a3,a4,b3");
        QTest::newRow("until") << 0.0 << 1015.0 << none << none << none << none << none << 0 << QStringLiteral("a1,b1,a2");
        QTest::newRow("session") << 0.0 << 0.0 << QStringLiteral("b") << none << none << none << none << 0 << QStringLiteral("b1,b2,b3");
        QTest::newRow("one type") << 0.0 << 0.0 << none << QStringLiteral("tool_call") << none << none << none << 0 << QStringLiteral("a1,b2,a3,b3");
        QTest::newRow("two types") << 0.0 << 0.0 << none << QStringLiteral("network_egress,file_access") << none << none << none << 0 << QStringLiteral("b1,a2");
        QTest::newRow("severities") << 0.0 << 0.0 << none << none << QStringLiteral("warning,critical") << none << none << 0 << QStringLiteral("b1,a2,a3");
        QTest::newRow("decisions") << 0.0 << 0.0 << none << none << none << QStringLiteral("block,escalate") << none << 0 << QStringLiteral("a2,a3");
        QTest::newRow("decision none") << 0.0 << 0.0 << none << none << none << QStringLiteral("none") << none << 0 << QStringLiteral("a4");
        QTest::newRow("tool") << 0.0 << 0.0 << none << none << none << none << QStringLiteral("email_send") << 0 << QStringLiteral("a1,b2,b3");
        QTest::newRow("combined") << 0.0 << 0.0 << QStringLiteral("a") << QStringLiteral("tool_call") << none << QStringLiteral("allow") << none << 0 << QStringLiteral("a1");
        QTest::newRow("limit") << 0.0 << 0.0 << none << none << none << none << none << 2 << QStringLiteral("a1,b1");
        QTest::newRow("since and limit") << 1010.0 << 0.0 << none << none << none << none << none << 2 << QStringLiteral("b1,a2");
        QTest::newRow("no match") << 0.0 << 0.0 << none << none << none << none << QStringLiteral("nope") << 0 << none;
    }

    void queryFilters()
    {
        QFETCH(double, since);
        QFETCH(double, until);
        QFETCH(QString, session);
        QFETCH(QString, types);
        QFETCH(QString, severities);
        QFETCH(QString, decisions);
        QFETCH(QString, tool);
        QFETCH(int, limit);
        QFETCH(QString, expected);
        auto s = open(path());
        QVERIFY(s);
        fill(*s);
        AuditQuery q;
        if (since > 0)
            q.since = since;
        if (until > 0)
            q.until = until;
        q.sessionId = session.toStdString();
        q.types = list(types);
        q.severities = list(severities);
        q.decisions = list(decisions);
        q.tool = tool.toStdString();
        q.limit = limit;
        std::string error;
        QCOMPARE(ids(s->query(q, &error)), expected);
        QVERIFY2(error.empty(), error.c_str());
    }

    void orderIsTsSeqRow()
    {
        auto s = open(path());
        QVERIFY(s);
        fillForPaging(*s);
        const auto all = s->query({});
        QCOMPARE(int(all.size()), 7 + kTied);
        QVERIFY(ids(all).startsWith(QStringLiteral("c2,a1,c1,b2,b1,a2,a3,")));
        std::set<std::int64_t> rows;
        for (std::size_t i = 0; i < all.size(); ++i) {
            QVERIFY(all[i].row > 0);
            rows.insert(all[i].row);
            if (i > 0)
                QVERIFY(std::tie(all[i - 1].ts, all[i - 1].seq, all[i - 1].row)
                        < std::tie(all[i].ts, all[i].seq, all[i].row));
        }
        QCOMPARE(rows.size(), all.size());
        // event() reads the same position.
        QCOMPARE(s->event(all[3].sessionId, all[3].seq)->row, all[3].row);
    }

    void cursorText_data()
    {
        QTest::addColumn<double>("ts");
        QTest::addColumn<qint64>("seq");
        QTest::addColumn<qint64>("row");
        QTest::addColumn<QString>("text");
        QTest::newRow("whole seconds") << 1764200000.0 << qint64(3) << qint64(17) << QStringLiteral("1764200000_3_17");
        QTest::newRow("fraction") << 1764200000.25 << qint64(1) << qint64(2) << QStringLiteral("1764200000.25_1_2");
        QTest::newRow("not exact in binary") << 0.1 << qint64(9) << qint64(1) << QStringLiteral("0.1_9_1");
        QTest::newRow("one ulp above") << std::nextafter(1764200000.1, 2e9) << qint64(1) << qint64(5)
                                       << QStringLiteral("1764200000.1000001_1_5");
        QTest::newRow("tiny") << 1e-7 << qint64(1) << qint64(1) << QStringLiteral("0.0000001_1_1");
        QTest::newRow("negative") << -0.5 << qint64(2) << qint64(3) << QStringLiteral("-0.5_2_3");
    }

    void cursorText()
    {
        QFETCH(double, ts);
        QFETCH(qint64, seq);
        QFETCH(qint64, row);
        QFETCH(QString, text);
        const AuditCursor c{ts, seq, row};
        QCOMPARE(QString::fromStdString(c.toString()), text);
        const auto back = AuditCursor::parse(text.toStdString());
        QVERIFY(back);
        QVERIFY(back->ts == ts); // exactly: a cursor that moved would skip or repeat events
        QCOMPARE(back->seq, std::int64_t(seq));
        QCOMPARE(back->row, std::int64_t(row));
    }

    void cursorTextRefused()
    {
        for (const char *bad : {"", "1_2", "1_2_3_4", "x_1_2", "1_x_2", "1_2_x", "1_2_0", "1_2_-4", "nan_1_2",
                                " 1_2_3", "1_2_3 ", "+1_2_3", "1__2_3", "1_2_3\n"})
            QVERIFY2(!AuditCursor::parse(bad), bad);
        auto s = open(path());
        QVERIFY(s);
        fill(*s);
        AuditQuery q;
        q.after = "yesterday";
        std::string error;
        QVERIFY(!s->query(q, [](const AuditEvent &) { return true; }, error));
        QVERIFY2(error.find("invalid cursor 'yesterday'") != std::string::npos, error.c_str());
    }

    void afterEachEvent()
    {
        auto s = open(path());
        QVERIFY(s);
        fillForPaging(*s);
        const auto all = s->query({});
        for (std::size_t i = 0; i < all.size(); ++i) {
            AuditQuery q;
            q.after = AuditCursor::of(all[i]).toString();
            const std::vector<AuditEvent> rest(all.begin() + std::ptrdiff_t(i) + 1, all.end());
            QCOMPARE(ids(s->query(q)), ids(rest));
        }
    }

    void pagingReturnsEveryEventOnce_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<int>("limit");
        for (const char *filter : {"none", "type", "session", "since", "owner"})
            for (int limit : {1, 2, 3, 7, 46, 100})
                QTest::addRow("%s, limit %d", filter, limit) << QString::fromLatin1(filter) << limit;
    }

    void pagingReturnsEveryEventOnce()
    {
        QFETCH(QString, filter);
        QFETCH(int, limit);
        auto s = open(path());
        QVERIFY(s);
        begin(*s, "a", 1000);
        begin(*s, "s1", 1000);
        fillForPaging(*s);
        AuditQuery q;
        if (filter == QLatin1StringView("type"))
            q.types = {"tool_call"};
        else if (filter == QLatin1StringView("session"))
            q.sessionId = "s1";
        else if (filter == QLatin1StringView("since"))
            q.since = 1764200000.1;
        else if (filter == QLatin1StringView("owner"))
            q.ownerUid = 1000;
        checkPaging(*s, q, limit);
    }

    void ownerFilter()
    {
        auto s = open(path());
        QVERIFY(s);
        begin(*s, "a", 1000, 990);
        begin(*s, "b", 0, 991); // root: a uid like any other, not "unknown"
        begin(*s, "u", std::nullopt, 992); // recorded in-process: no owner
        fill(*s); // events of a and b
        s->append(makeEvent("u", 1005, "tool_call", "x", "allow", "info"));
        s->append(makeEvent("stray", 1006, "tool_call", "x", "allow", "info")); // never begun
        QVERIFY(s->flush());

        AuditQuery q;
        q.ownerUid = 1000;
        QCOMPARE(ids(s->query(q)), QStringLiteral("a1,a2,a3,a4"));
        q.ownerUid = 0;
        QCOMPARE(ids(s->query(q)), QStringLiteral("b1,b2,b3"));
        q.ownerUid = 4242;
        QCOMPARE(ids(s->query(q)), QString());
        q.ownerUid = 1000;
        q.types = {"tool_call"};
        q.limit = 1;
        QCOMPARE(ids(s->query(q)), QStringLiteral("a1"));
        QCOMPARE(ids(s->query({})), QStringLiteral("a1,u1,stray1,b1,a2,b2,a3,a4,b3")); // no filter: everything

        const auto all = s->sessions();
        QCOMPARE(all.size(), std::size_t(4));
        QVERIFY(all[0].session.ownerUid == 1000u);
        QVERIFY(all[1].session.ownerUid == 0u);
        QVERIFY(!all[2].session.ownerUid);
        QVERIFY(!all[3].session.ownerUid); // stray
        const auto mine = s->sessionsOwnedBy(1000);
        QCOMPARE(mine.size(), std::size_t(1));
        QCOMPARE(mine[0].session.id, std::string("a"));
        QCOMPARE(mine[0].events, std::int64_t(4));
        QCOMPARE(mine[0].count("block"), std::int64_t(1));
        const auto roots = s->sessionsOwnedBy(0u);
        QCOMPARE(roots.size(), std::size_t(1));
        QCOMPARE(roots[0].session.id, std::string("b"));
        QCOMPARE(roots[0].events, std::int64_t(3));
        QVERIFY(s->sessionsOwnedBy(4242).empty());

        // A resumed session's record replaces the old one, owner included.
        begin(*s, "u", 1000, 992);
        QVERIFY(s->flush());
        QCOMPARE(s->sessionsOwnedBy(1000).size(), std::size_t(2));
        q = {};
        q.ownerUid = 1000;
        QCOMPARE(ids(s->query(q)), QStringLiteral("a1,u1,a2,a3,a4"));
    }

    void ownerFilterOfApprovals()
    {
        auto s = open(path());
        QVERIFY(s);
        begin(*s, "a", 1000);
        begin(*s, "b", 1001);
        begin(*s, "u", std::nullopt);
        std::vector<std::int64_t> ids;
        for (const char *session : {"a", "b", "u", "a", "stray"}) {
            osh::ApprovalRecord a;
            a.sessionId = session;
            a.seq = std::int64_t(ids.size() + 1);
            ids.push_back(s->addApproval(a).value_or(0));
            QVERIFY(ids.back() > 0);
        }
        QVERIFY(s->resolveApproval(ids[0], true, "", "alice", 1000));
        auto idsOf = [](const std::vector<osh::ApprovalRecord> &list) {
            std::vector<std::int64_t> out;
            for (const auto &a : list)
                out.push_back(a.id);
            return out;
        };
        QCOMPARE(idsOf(s->pendingApprovalsOwnedBy(1000)), std::vector<std::int64_t>{ids[3]});
        QCOMPARE(idsOf(s->approvalsOwnedBy(1000)), (std::vector<std::int64_t>{ids[0], ids[3]}));
        QCOMPARE(idsOf(s->pendingApprovalsOwnedBy(1001)), std::vector<std::int64_t>{ids[1]});
        QVERIFY(s->approvalsOwnedBy(0u).empty());
        QCOMPARE(s->pendingApprovals().size(), std::size_t(4)); // unfiltered: all of them
        QCOMPARE(s->approvals().size(), std::size_t(5));
    }

    void sessionCounts()
    {
        auto s = open(path());
        QVERIFY(s);
        osh::SessionRecord r;
        r.id = "a";
        r.startedAt = 999;
        r.policyFile = "p.policy.yaml";
        r.policyHash = "abc";
        r.isolation = "container";
        r.command = "[\"agent\",\"--run\"]";
        s->beginSession(r);
        fill(*s);
        s->endSession("a", 3, "error", 1100);
        QVERIFY(s->flush());
        const auto list = s->sessions();
        QCOMPARE(list.size(), std::size_t(2));
        const auto &a = list[0];
        QCOMPARE(a.session.id, std::string("a"));
        QCOMPARE(a.session.isolation, std::string("container"));
        QVERIFY(a.session.exitStatus == 3);
        QCOMPARE(a.session.exitReason, std::string("error"));
        QVERIFY(a.session.endedAt == 1100.0);
        QCOMPARE(a.events, std::int64_t(4));
        QCOMPARE(a.count("allow"), std::int64_t(1));
        QCOMPARE(a.count("block"), std::int64_t(1));
        QCOMPARE(a.count("escalate"), std::int64_t(1));
        QCOMPARE(a.count("none"), std::int64_t(1));
        // b was never begun: listed after the known ones, from its events.
        const auto &b = list[1];
        QCOMPARE(b.session.id, std::string("b"));
        QCOMPARE(b.session.startedAt, 1010.0);
        QCOMPARE(b.events, std::int64_t(3));
        QCOMPARE(b.count("redact"), std::int64_t(1));
        QCOMPARE(b.count("throttle"), std::int64_t(1));
        QCOMPARE(b.count("block"), std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TstAuditStoreQuery)
#include "tst_auditstore_query.moc"
