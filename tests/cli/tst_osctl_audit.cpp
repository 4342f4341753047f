// osctl audit query / sessions / approvals end to end: a store is filled
// through the AuditStore API, then the real binary reads and resolves.

#include "osctlrunner.h"

#include "audit/auditstore.h"
#include "rawdb.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include <unistd.h>

class TstOsctlAudit : public QObject
{
    Q_OBJECT

    using Run = osh::test::OsctlRun;

    QTemporaryDir m_dir;
    QString m_store;
    std::unique_ptr<osh::AuditStore> m_runtime; // the store as the runtime holds it
    std::int64_t m_approval1 = 0;
    std::int64_t m_approval2 = 0;

    Run osctl(QStringList args, bool withStore = true, const QProcessEnvironment &env = {}) const
    {
        if (withStore)
            args << QStringLiteral("--store") << m_store;
        return osh::test::runOsctl(args, {{}, {}, env});
    }

    // "a1,b2" from jsonl output.
    static QString ids(const Run &r)
    {
        QStringList out;
        for (const auto &l : r.lines()) {
            const auto o = osh::test::jsonLine(l);
            out << o.value(QStringLiteral("session_id")).toString() + QString::number(o.value(QStringLiteral("seq")).toInt());
        }
        return out.join(QLatin1Char(','));
    }

    static osh::AuditEvent event(const char *session, double ts, const char *type, const char *tool,
                                 const char *decision, const char *severity)
    {
        osh::AuditEvent e;
        e.sessionId = session;
        e.ts = ts;
        e.type = type;
        e.tool = tool;
        e.decision = decision;
        e.severity = severity;
        e.layer = *decision ? "policy" : "";
        e.policy = *decision ? "p1" : "";
        e.message = std::string(type) + " " + decision;
        e.parameters = "{\"arg\":\"[EMAIL]\"}";
        e.trace = *decision ? "{\"outcome\":\"" + std::string(decision) + "\"}" : "";
        e.policyHash = "0123456789abcdef0123";
        return e;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = m_dir.path() + QStringLiteral("/store/audit.db");
        std::string error;
        m_runtime = osh::AuditStore::open(m_store.toStdString(), error);
        QVERIFY2(m_runtime, error.c_str());
        osh::SessionRecord a;
        a.id = "a";
        a.startedAt = 1764200000;
        a.policyFile = "prod.policy.yaml";
        a.policyHash = "0123456789abcdef0123";
        a.isolation = "gvisor";
        a.ownerUid = 4242;
        m_runtime->beginSession(a);
        // Ordered by time: a1 b1 a2 b2 a3 a4, then c1 (recent).
        m_runtime->append(event("a", 1764200001, "tool_call", "email_send", "allow", "info"));
        m_runtime->append(event("a", 1764200010, "network_egress", "http", "block", "warning"));
        m_runtime->append(event("a", 1764200020, "tool_call", "shell", "escalate", "critical"));
        m_runtime->append(event("a", 1764200030, "reasoning", "", "", "debug"));
        m_runtime->append(event("b", 1764200005, "file_access", "fs", "redact", "warning"));
        m_runtime->append(event("b", 1764200015, "tool_call", "email_send", "block", "info"));
        m_runtime->append(event("c", osh::AuditStore::now() - 60, "tool_call", "email_send", "allow", "info"));
        m_runtime->endSession("a", 0, "exited", 1764200100);
        osh::ApprovalRecord held;
        held.sessionId = "a";
        held.seq = 3;
        held.queue = "security";
        held.tool = "shell";
        held.policy = "p1";
        held.message = "shell needs review";
        m_approval1 = m_runtime->addApproval(held).value_or(0);
        held.seq = 4;
        m_approval2 = m_runtime->addApproval(held).value_or(0);
        QVERIFY(m_approval1 > 0 && m_approval2 > 0);
        QVERIFY(m_runtime->flush());
    }

    void queryJsonl()
    {
        const auto r = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.code, 0);
        QCOMPARE(ids(r), QStringLiteral("a1,b1,a2,b2,a3,a4,c1"));
        const auto o = osh::test::jsonLine(r.lines().at(2)); // a2
        QCOMPARE(o.value(QStringLiteral("decision")).toString(), QStringLiteral("block"));
        QCOMPARE(o.value(QStringLiteral("type")).toString(), QStringLiteral("network_egress"));
        QCOMPARE(o.value(QStringLiteral("layer")).toString(), QStringLiteral("policy"));
        QCOMPARE(o.value(QStringLiteral("policy")).toString(), QStringLiteral("p1"));
        QCOMPARE(o.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(o.value(QStringLiteral("policy_hash")).toString(), QStringLiteral("0123456789abcdef0123"));
        // The stored chain value travels with the copy.
        QCOMPARE(o.value(QStringLiteral("chain")).toString(),
                 QString::fromStdString(RawDb(m_store.toStdString()).text("SELECT chain FROM events WHERE session_id = 'a' AND seq = 2")));
        QCOMPARE(o.value(QStringLiteral("chain")).toString().size(), 64);
        QCOMPARE(o.value(QStringLiteral("ts")).toString(), QStringLiteral("2025-11-26T23:33:30.000Z"));
        QVERIFY(o.value(QStringLiteral("parameters")).isObject());
        QCOMPARE(o.value(QStringLiteral("trace")).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("block"));
        const auto reasoning = osh::test::jsonLine(r.lines().at(5)); // a4
        QVERIFY(reasoning.value(QStringLiteral("decision")).isNull());
        QVERIFY(reasoning.value(QStringLiteral("trace")).isNull());
    }

    void queryFilters_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const auto s = [](const char *x) { return QString::fromLatin1(x); };
        QTest::newRow("session") << QStringList{s("--session"), s("b")} << s("b1,b2");
        QTest::newRow("type") << QStringList{s("--type"), s("tool_call")} << s("a1,b2,a3,c1");
        QTest::newRow("types") << QStringList{s("--type"), s("network_egress,file_access")} << s("b1,a2");
        QTest::newRow("severity") << QStringList{s("--severity"), s("warning,critical")} << s("b1,a2,a3");
        QTest::newRow("decision") << QStringList{s("--decision"), s("block,escalate")} << s("a2,b2,a3");
        QTest::newRow("decision none") << QStringList{s("--decision"), s("none")} << s("a4");
        QTest::newRow("tool") << QStringList{s("--tool"), s("email_send")} << s("a1,b2,c1");
        QTest::newRow("limit") << QStringList{s("--limit"), s("2")} << s("a1,b1");
        QTest::newRow("since ISO") << QStringList{s("--since"), s("2025-11-26T23:33:35Z")} << s("b2,a3,a4,c1");
        QTest::newRow("since relative") << QStringList{s("--since"), s("1h")} << s("c1");
        QTest::newRow("combined") << QStringList{s("--session"), s("a"), s("--decision"), s("block")} << s("a2");
    }

    void queryFilters()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const auto r = osctl(QStringList{QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"),
                                         QStringLiteral("jsonl")}
                             + args);
        QCOMPARE(r.code, 0);
        QCOMPARE(ids(r), expected);
    }

    // The cursor osctl printed on stderr, or an empty string.
    static QString nextCursor(const Run &r)
    {
        static const QRegularExpression re(QStringLiteral("^next cursor: (\\S+)$"), QRegularExpression::MultilineOption);
        const auto m = re.match(r.err);
        return m.hasMatch() ? m.captured(1) : QString();
    }

    void queryPages_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("limit");
        for (const char *format : {"jsonl", "table"})
            for (int limit : {1, 2, 3, 7, 8})
                QTest::addRow("%s, limit %d", format, limit) << QString::fromLatin1(format) << limit;
    }

    void queryPages()
    {
        QFETCH(QString, format);
        QFETCH(int, limit);
        const bool table = format == QLatin1StringView("table");
        QStringList seen;
        QString cursor;
        for (int page = 0; page < 10; ++page) {
            QStringList args{QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"), format,
                             QStringLiteral("--limit"), QString::number(limit)};
            if (!cursor.isEmpty())
                args << QStringLiteral("--after") << cursor;
            const auto r = osctl(args);
            QCOMPARE(r.code, 0);
            auto lines = r.lines();
            if (table) {
                QVERIFY(lines.value(0).startsWith(QStringLiteral("TIME"))); // still a table, header and all
                lines.removeFirst();
            }
            QVERIFY(lines.size() <= limit);
            cursor = nextCursor(r);
            QCOMPARE(cursor.isEmpty(), lines.isEmpty()); // a cursor whenever something was printed
            if (lines.isEmpty())
                break;
            for (const auto &l : lines) {
                if (table) {
                    const auto cells = l.split(QLatin1Char(' '), Qt::SkipEmptyParts);
                    seen << cells.value(1) + cells.value(2);
                } else {
                    const auto o = osh::test::jsonLine(l);
                    seen << o.value(QStringLiteral("session_id")).toString()
                            + QString::number(o.value(QStringLiteral("seq")).toInt());
                }
            }
        }
        QCOMPARE(seen.join(QLatin1Char(',')), QStringLiteral("a1,b1,a2,b2,a3,a4,c1"));
    }

    void queryWithoutPagingPrintsNoCursor()
    {
        const auto r = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.err, QString());
        // --after alone pages too: everything after a2.
        const auto first = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--limit"), QStringLiteral("3")});
        const auto rest = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"),
                                 QStringLiteral("jsonl"), QStringLiteral("--after"), nextCursor(first)});
        QCOMPARE(rest.code, 0);
        QCOMPARE(ids(rest), QStringLiteral("b2,a3,a4,c1"));
        QCOMPARE(nextCursor(rest), nextCursor(osctl({QStringLiteral("audit"), QStringLiteral("query"),
                                                      QStringLiteral("--limit"), QStringLiteral("7")})));
    }

    void queryTable()
    {
        const auto r = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--session"), QStringLiteral("a")});
        QCOMPARE(r.code, 0);
        const auto lines = r.lines();
        QCOMPARE(lines.size(), 5);
        QVERIFY(lines[0].startsWith(QStringLiteral("TIME")));
        QVERIFY(!r.out.contains(QLatin1Char('\033'))); // not a terminal: no colour
        const auto col = lines[0].indexOf(QStringLiteral("DECISION"));
        QVERIFY(col > 0);
        QCOMPARE(lines[2].mid(col, 5), QStringLiteral("block"));
        QCOMPARE(lines[3].mid(col, 8), QStringLiteral("escalate"));
        QCOMPARE(lines[4].mid(col, 1), QStringLiteral("-"));
    }

    void queryOcsf()
    {
        const auto r = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"), QStringLiteral("ocsf")});
        QCOMPARE(r.code, 0);
        // Seven events, each block or escalation followed by its Detection Finding.
        QList<QJsonObject> events;
        int findings = 0;
        for (const auto &line : r.lines()) {
            const auto o = osh::test::jsonLine(line);
            QCOMPARE(o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("version")).toString(),
                     QStringLiteral("1.8.0"));
            if (o.value(QStringLiteral("class_uid")).toInt() == 2004) {
                QVERIFY(!events.isEmpty());
                QCOMPARE(o.value(QStringLiteral("finding_info")).toObject().value(QStringLiteral("uid")).toString(),
                         events.last().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString());
                ++findings;
            } else {
                events << o;
            }
        }
        QCOMPARE(events.size(), 7);
        const int violations = int(std::count_if(events.begin(), events.end(), [](const QJsonObject &o) {
            const auto d = o.value(QStringLiteral("unmapped")).toObject().value(QStringLiteral("decision")).toString();
            return d == QLatin1StringView("block") || d == QLatin1StringView("escalate");
        }));
        QVERIFY(violations > 0);
        QCOMPARE(findings, violations);
        const auto egress = events.at(2);
        QCOMPARE(egress.value(QStringLiteral("unmapped")).toObject().value(QStringLiteral("chain")).toString().size(), 64);
        QCOMPARE(egress.value(QStringLiteral("class_uid")).toInt(), 4001);
        QCOMPARE(egress.value(QStringLiteral("disposition")).toString(), QStringLiteral("Blocked"));
        QCOMPARE(egress.value(QStringLiteral("time")).toInteger(), qint64(1764200010000));
    }

    void storeFromEnvironment()
    {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPENSHELL_STORE"), m_store);
        const auto r = osctl({QStringLiteral("sessions"), QStringLiteral("--format"), QStringLiteral("jsonl")}, false, env);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines().size(), 3);
    }

    // A consistent copy of the store (VACUUM INTO), edited behind the
    // store's back: verify names the event and exits 1; the original is
    // intact.
    void verifyFindsEditedEvent()
    {
        auto r = osctl({QStringLiteral("audit"), QStringLiteral("verify")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("\\ba\\s+4\\s+-\\s+intact"))), qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("\\bb\\s+2\\s+-\\s+intact"))), qPrintable(r.out));

        const std::string copy = m_dir.path().toStdString() + "/edited.db";
        QCOMPARE(RawDb(m_store.toStdString()).exec("VACUUM INTO '" + copy + "'"), std::string());
        QCOMPARE(RawDb(copy).exec("UPDATE events SET decision = 'allow' WHERE session_id = 'a' AND seq = 3"),
                 std::string());
        r = osh::test::runOsctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--store"),
                                 QString::fromStdString(copy)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains(QStringLiteral("BROKEN at seq 3: its content differs")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QRegularExpression(QStringLiteral("\\bb\\s+2\\s+-\\s+intact"))), qPrintable(r.out));
        QVERIFY2(r.err.contains(QStringLiteral("1 of 3 session(s) have a broken hash chain")), qPrintable(r.err));

        r = osh::test::runOsctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--store"),
                                 QString::fromStdString(copy), QStringLiteral("--session"), QStringLiteral("b")});
        QCOMPARE(r.code, 0);
        r = osctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--session"), QStringLiteral("zz")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("no session 'zz'")), qPrintable(r.err));
        r = osctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("extra")});
        QCOMPARE(r.code, 2);

        // A signer required: this store was written without checkpoints.
        r = osctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--key"), QString(64, QLatin1Char('a'))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains(QStringLiteral("no checkpoint signed by the key given")), qPrintable(r.out));
        r = osctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--key"), QStringLiteral("nokey")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--key nokey: neither 64 hex digits nor a readable file")), qPrintable(r.err));
    }

    // The store against a copy of its events exported before the edit (as
    // a SIEM keeps them): an event removed from a copy of the store, with
    // the store's chain still whole, shows at that event; the copy's lines
    // of findings and text count as skipped.
    void verifyAgainstACopy()
    {
        auto r = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--format"), QStringLiteral("ocsf")});
        QCOMPARE(r.code, 0);
        const QString exported = m_dir.path() + QStringLiteral("/siem.ocsf");
        QFile f(exported);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(r.out.toUtf8() + "a line of something else\n");
        f.close();
        r = osctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--copy"), exported});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.contains(QStringLiteral("7 event(s) of the copy compared, 7 stored as forwarded, 1 line(s) without an event skipped")),
                 qPrintable(r.err));

        const std::string copy = m_dir.path().toStdString() + "/tail-cut.db";
        QCOMPARE(RawDb(m_store.toStdString()).exec("VACUUM INTO '" + copy + "'"), std::string());
        QCOMPARE(RawDb(copy).exec("DELETE FROM events WHERE session_id = 'a' AND seq = 4"), std::string());
        r = osh::test::runOsctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--store"),
                                 QString::fromStdString(copy)});
        QCOMPARE(r.code, 0); // a cut tail leaves a whole chain; only a copy (or a checkpoint) shows it
        r = osh::test::runOsctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--store"),
                                 QString::fromStdString(copy), QStringLiteral("--copy"), exported});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains(QStringLiteral("BROKEN at seq 4: seq 4 is not in the store, but the copy has it (") + exported
                                + QStringLiteral(":")),
                 qPrintable(r.out));
        r = osctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--copy"), exported + QStringLiteral(".none")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral(".none")), qPrintable(r.err));
    }

    void missingStore()
    {
        const auto r = osctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--store"),
                              m_dir.path() + QStringLiteral("/nope.db")},
                             false);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("no audit store")), qPrintable(r.err));
        QVERIFY(!QFile::exists(m_dir.path() + QStringLiteral("/nope.db"))); // never created by a reader
    }

    void sessionsJsonl()
    {
        const auto r = osctl({QStringLiteral("sessions"), QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines().size(), 3);
        const auto a = osh::test::jsonLine(r.lines().at(0));
        QCOMPARE(a.value(QStringLiteral("id")).toString(), QStringLiteral("a"));
        QCOMPARE(a.value(QStringLiteral("start")).toString(), QStringLiteral("2025-11-26T23:33:20.000Z"));
        QCOMPARE(a.value(QStringLiteral("end")).toString(), QStringLiteral("2025-11-26T23:35:00.000Z"));
        QCOMPARE(a.value(QStringLiteral("policy")).toString(), QStringLiteral("prod.policy.yaml"));
        QCOMPARE(a.value(QStringLiteral("policy_hash")).toString(), QStringLiteral("0123456789abcdef0123"));
        QCOMPARE(a.value(QStringLiteral("isolation")).toString(), QStringLiteral("gvisor"));
        QCOMPARE(a.value(QStringLiteral("exit_status")).toInt(-1), 0);
        QCOMPARE(a.value(QStringLiteral("exit_reason")).toString(), QStringLiteral("exited"));
        QCOMPARE(a.value(QStringLiteral("owner_uid")).toInteger(-1), qint64(4242));
        const auto events = a.value(QStringLiteral("events")).toObject();
        QCOMPARE(events.value(QStringLiteral("total")).toInt(), 4);
        QCOMPARE(events.value(QStringLiteral("block")).toInt(), 1);
        QCOMPARE(events.value(QStringLiteral("escalate")).toInt(), 1);
        const auto b = osh::test::jsonLine(r.lines().at(1));
        QVERIFY(b.value(QStringLiteral("end")).isNull());
        QVERIFY(b.contains(QStringLiteral("owner_uid")));
        QVERIFY(b.value(QStringLiteral("owner_uid")).isNull()); // never begun: no owner
        QCOMPARE(b.value(QStringLiteral("events")).toObject().value(QStringLiteral("redact")).toInt(), 1);
    }

    void sessionsTable()
    {
        const auto r = osctl({QStringLiteral("sessions")});
        QCOMPARE(r.code, 0);
        const auto lines = r.lines();
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines[0].startsWith(QStringLiteral("ID")));
        QVERIFY2(lines[1].contains(QStringLiteral("4 (block 1, escalate 1)")), qPrintable(lines[1]));
        QVERIFY(lines[1].contains(QStringLiteral("gvisor")));
        const auto owner = lines[0].indexOf(QStringLiteral("OWNER"));
        QVERIFY(owner > 0);
        QCOMPARE(lines[1].mid(owner, 5), QStringLiteral("4242 "));
        QCOMPARE(lines[2].mid(owner, 2), QStringLiteral("- "));
    }

    void approvalsLifecycle()
    {
        auto r = osctl({QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines().size(), 2);
        QCOMPARE(osh::test::jsonLine(r.lines().at(0)).value(QStringLiteral("status")).toString(), QStringLiteral("pending"));

        const QString id1 = QString::number(m_approval1), id2 = QString::number(m_approval2);
        r = osctl({QStringLiteral("approvals"), QStringLiteral("approve"), id1, QStringLiteral("--note"), QStringLiteral("ok by me")});
        QCOMPARE(r.code, 0);
        // The runtime, polling its own connection, sees the verdict.
        const auto seen = m_runtime->approval(m_approval1);
        QVERIFY(seen && seen->status == osh::ApprovalStatus::Approved);
        QCOMPARE(seen->note, std::string("ok by me"));
        QVERIFY(seen->resolverUid == std::uint32_t(getuid())); // the uid of the osctl process

        r = osctl({QStringLiteral("approvals"), QStringLiteral("deny"), id1});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("is approved, not pending")), qPrintable(r.err));
        r = osctl({QStringLiteral("approvals"), QStringLiteral("approve"), QStringLiteral("999")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("no approval with id 999")), qPrintable(r.err));
        r = osctl({QStringLiteral("approvals"), QStringLiteral("deny"), id2, QStringLiteral("--resolver"), QStringLiteral("carol")});
        QCOMPARE(r.code, 0);
        QCOMPARE(m_runtime->approval(m_approval2)->resolver, std::string("carol"));

        r = osctl({QStringLiteral("approvals"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines().size(), 1); // the header only: nothing pending
        r = osctl({QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--all")});
        QCOMPARE(r.lines().size(), 3);
        QVERIFY(r.lines().at(1).contains(QStringLiteral("approved")));
        QVERIFY(r.lines().at(2).contains(QStringLiteral("denied")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const auto s = [](const char *x) { return QString::fromLatin1(x); };
        QTest::newRow("audit without sub-command") << QStringList{s("audit")} << s("missing sub-command");
        QTest::newRow("audit unknown sub-command") << QStringList{s("audit"), s("grep")} << s("unknown sub-command");
        QTest::newRow("bad type") << QStringList{s("audit"), s("query"), s("--type"), s("tool_cal")} << s("did you mean 'tool_call'");
        QTest::newRow("bad severity") << QStringList{s("audit"), s("query"), s("--severity"), s("high")} << s("invalid --severity");
        QTest::newRow("bad decision") << QStringList{s("audit"), s("query"), s("--decision"), s("deny")} << s("invalid --decision");
        QTest::newRow("bad since") << QStringList{s("audit"), s("query"), s("--since"), s("yesterday")} << s("--since");
        QTest::newRow("bad limit") << QStringList{s("audit"), s("query"), s("--limit"), s("0")} << s("--limit");
        QTest::newRow("bad cursor") << QStringList{s("audit"), s("query"), s("--after"), s("1764200010")} << s("--after expects a cursor");
        QTest::newRow("bad format") << QStringList{s("audit"), s("query"), s("--format"), s("xml")} << s("invalid --format");
        QTest::newRow("sessions stray") << QStringList{s("sessions"), s("x")} << s("unexpected argument");
        QTest::newRow("approvals nothing") << QStringList{s("approvals")} << s("missing sub-command");
        QTest::newRow("approve without id") << QStringList{s("approvals"), s("approve")} << s("missing approval ID");
        QTest::newRow("approve bad id") << QStringList{s("approvals"), s("approve"), s("x1")} << s("invalid approval ID");
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = osctl(args, false); // refused before any store is looked for
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void help_data()
    {
        QTest::addColumn<QStringList>("args");
        const auto s = [](const char *x) { return QString::fromLatin1(x); };
        QTest::newRow("audit query") << QStringList{s("audit"), s("query"), s("--help")};
        QTest::newRow("sessions") << QStringList{s("sessions"), s("--help")};
        QTest::newRow("approvals list") << QStringList{s("approvals"), s("list"), s("--help")};
        QTest::newRow("approvals approve") << QStringList{s("approvals"), s("approve"), s("--help")};
        QTest::newRow("approvals") << QStringList{s("approvals"), s("--help")};
    }

    void help()
    {
        QFETCH(QStringList, args);
        const auto r = osctl(args, false);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Exit codes")));
        QVERIFY2(r.out.startsWith(QStringLiteral("Usage: osctl ") + args.first()), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TstOsctlAudit)
#include "tst_osctl_audit.moc"
