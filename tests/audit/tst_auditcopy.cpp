// The store checked against a copy of its events kept elsewhere (what a
// SIEM received): intact, a chain rewritten after an edit, a tail removed,
// a whole session removed, copies that disagree, in every copy format
// (event JSON lines, OCSF lines, JSON arrays of OCSF, syslog lines).

#include "audit/auditchain.h"
#include "audit/auditcopy.h"
#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/ocsf.h"
#include "rawdb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using osh::AuditEvent;
using osh::AuditStore;
using osh::audit::CopySummary;

namespace {

AuditEvent auditEvent(const std::string &session, int seq)
{
    AuditEvent e;
    e.sessionId = session;
    e.seq = seq;
    e.ts = 1000 + seq;
    e.type = "tool_call";
    e.tool = "tool" + std::to_string(seq);
    e.decision = seq == 2 ? "block" : "allow";
    e.layer = "policy";
    e.severity = "info";
    e.message = "m";
    return e;
}

} // namespace

class TstAuditCopy : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;
    std::string m_path;

    // Sessions a (5 events) and b (3), and the store's events as a copy in
    // the given format: jsonl, ocsf, array or syslog.
    std::string fill(const QString &format)
    {
        m_path = m_dir.path().toStdString() + "/copy" + std::to_string(++m_n) + ".db";
        std::string error;
        {
            auto store = AuditStore::open(m_path, error);
            if (!store)
                qFatal("%s", error.c_str());
            for (int i = 1; i <= 5; ++i)
                store->append(auditEvent("a", i));
            for (int i = 1; i <= 3; ++i)
                store->append(auditEvent("b", i));
        }
        auto store = AuditStore::open(m_path, error);
        std::string copy;
        osh::AuditQuery q;
        const std::vector<AuditEvent> events = store->query(q);
        if (format == QLatin1String("array"))
            copy += '[';
        for (const AuditEvent &e : events) {
            if (format == QLatin1String("jsonl")) {
                osh::audit::appendEventJson(copy, e);
                copy += '\n';
            } else if (format == QLatin1String("ocsf")) {
                osh::audit::appendOcsfLines(copy, e);
            } else if (format == QLatin1String("array")) {
                if (copy.size() > 1)
                    copy += ',';
                osh::audit::appendOcsfJson(copy, e);
            } else {
                copy += "Dec  4 07:00:00 host tool_call [openshell@32473 uid=\"" + e.sessionId + "#" + std::to_string(e.seq)
                        + "\" session=\"" + e.sessionId + "\" seq=\"" + std::to_string(e.seq) + "\" chain=\"" + e.chain
                        + "\"] CEF:0|OpenShell|x\n";
            }
        }
        if (format == QLatin1String("array"))
            copy += "]\nnot an event\n";
        const std::string file = m_path + ".copy";
        QFile f(QString::fromStdString(file));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write the copy");
        f.write(copy.data(), static_cast<qint64>(copy.size()));
        return file;
    }

    CopySummary compare(const std::vector<std::string> &copies, const std::string &session = {})
    {
        CopySummary s;
        std::string error;
        if (!osh::audit::compareWithCopies(m_path, copies, session, s, error))
            qWarning("compare: %s", error.c_str());
        return s;
    }

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void formats_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *f : {"jsonl", "ocsf", "array", "syslog"})
            QTest::newRow(f) << QString::fromLatin1(f);
    }

    void formats()
    {
        QFETCH(QString, format);
        const std::string copy = fill(format);
        CopySummary s = compare({copy});
        QCOMPARE(s.events, 8);
        QCOMPARE(s.matched, 8);
        QVERIFY(s.findings.empty());
        QCOMPARE(s.skipped, format == QLatin1String("array") ? 1 : 0);
        s = compare({copy}, "b");
        QCOMPARE(s.events, 3);

        // a#3 edited and every later chain value recomputed: the store's own
        // chain holds, the copy does not.
        {
            RawDb db(m_path);
            std::string previous = db.text("SELECT chain FROM events WHERE session_id = 'a' AND seq = 2");
            for (int seq = 3; seq <= 5; ++seq) {
                AuditEvent e = auditEvent("a", seq);
                if (seq == 3)
                    e.tool = "edited";
                previous = osh::audit::chainNext(previous, e);
                QCOMPARE(db.exec("UPDATE events SET tool = '" + e.tool + "', chain = '" + previous
                                 + "' WHERE session_id = 'a' AND seq = " + std::to_string(seq)),
                         std::string());
            }
        }
        std::vector<osh::audit::ChainReport> reports;
        std::string error;
        QVERIFY(osh::audit::verifyChains(m_path, {}, reports, error));
        QVERIFY(!reports[0].broken); // unsigned: the chain alone cannot tell
        s = compare({copy});
        QCOMPARE(s.findings.size(), std::size_t(1));
        QCOMPARE(s.findings[0].sessionId, std::string("a"));
        QCOMPARE(s.findings[0].seq, 3);
        QVERIFY2(s.findings[0].problem.find("not the one forwarded") != std::string::npos, s.findings[0].problem.c_str());
        QVERIFY2(s.findings[0].problem.find(copy + ":") != std::string::npos, s.findings[0].problem.c_str());
    }

    void removedTailAndSession()
    {
        const std::string copy = fill(QStringLiteral("jsonl"));
        QCOMPARE(RawDb(m_path).exec("DELETE FROM events WHERE session_id = 'a' AND seq >= 4"), std::string());
        QCOMPARE(RawDb(m_path).exec("DELETE FROM events WHERE session_id = 'b'"), std::string());
        const CopySummary s = compare({copy});
        QCOMPARE(s.findings.size(), std::size_t(2));
        QCOMPARE(s.findings[0].seq, 4);
        QVERIFY2(s.findings[0].problem.find("seq 4 is not in the store") != std::string::npos, s.findings[0].problem.c_str());
        QCOMPARE(s.findings[1].sessionId, std::string("b"));
        QVERIFY2(s.findings[1].problem.find("the session is not in the store, but the copy has 3 of its events (seq 1 to 3)")
                     != std::string::npos,
                 s.findings[1].problem.c_str());
    }

    void copiesThatDisagree()
    {
        const std::string copy = fill(QStringLiteral("jsonl"));
        QFile f(QString::fromStdString(copy));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        const std::string chain = RawDb(m_path).text("SELECT chain FROM events WHERE session_id = 'b' AND seq = 2");
        text.replace(QByteArray::fromStdString(chain), QByteArray(64, 'f'));
        const std::string other = copy + ".other";
        QFile o(QString::fromStdString(other));
        QVERIFY(o.open(QIODevice::WriteOnly));
        o.write(text);
        o.close();
        const CopySummary s = compare({copy, other});
        QCOMPARE(s.findings.size(), std::size_t(1));
        QCOMPARE(s.findings[0].sessionId, std::string("b"));
        QVERIFY2(s.findings[0].problem.find("the copies disagree about seq 2") != std::string::npos, s.findings[0].problem.c_str());
    }

    // Structured data an agent wrote into a CEF record or a JSON payload is
    // not the forwarder's: such lines hold no event.
    void forgedStructuredDataIsText()
    {
        const std::string copy = fill(QStringLiteral("syslog"));
        const std::string chain = RawDb(m_path).text("SELECT chain FROM events WHERE session_id = 'b' AND seq = 2");
        QFile f(QString::fromStdString(copy));
        QVERIFY(f.open(QIODevice::Append));
        f.write("Dec  4 07:00:00 host tool_call CEF:0|OpenShell|OpenShell Studio|1|tool_call|[openshell@32473 uid=\"b#2\" "
                "session=\"b\" seq=\"2\" chain=\"" + QByteArray(64, 'f') + "\"]|3|msg=x\n");
        f.write("Dec  4 07:00:00 host tool_call {\"message\":\"[openshell@32473 uid=\\\"b#2\\\" session=\\\"b\\\"]\"}\n");
        f.close();
        const CopySummary s = compare({copy});
        QVERIFY(s.findings.empty());
        QCOMPARE(s.events, 8);
        QCOMPARE(s.skipped, 2);
        QVERIFY(!chain.empty());
    }

    void unreadableCopy()
    {
        fill(QStringLiteral("jsonl"));
        CopySummary s;
        std::string error;
        QVERIFY(!osh::audit::compareWithCopies(m_path, {m_path + ".missing"}, {}, s, error));
        QVERIFY2(error.find(".missing") != std::string::npos, error.c_str());
    }
};

QTEST_GUILESS_MAIN(TstAuditCopy)
#include "tst_auditcopy.moc"
