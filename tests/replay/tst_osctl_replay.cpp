// osctl import and osctl replay end to end with the real binary: the
// what-if decisions agree with `osctl eval` on the same requests, the jsonl
// and table outputs have the documented shape, and bad input is refused.

#include "osctlrunner.h"

#include "replayfixtures.h"

#if __has_include("vcs/policyrepository.h")
#include "vcs/policyrepository.h"
#define OSH_HAVE_VCS 1
#endif

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TstOsctlReplay : public QObject
{
    Q_OBJECT

    using Run = osh::test::OsctlRun;

    QTemporaryDir m_dir;
    QString m_store, m_a, m_b, m_session;

    QString file(const char *name, const std::string &content)
    {
        const QString p = QDir(m_dir.path()).filePath(QLatin1StringView(name));
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(p));
        f.write(content.data(), static_cast<qint64>(content.size()));
        return p;
    }

    static Run osctl(const QStringList &args, const QString &stdinFile = {})
    {
        return osh::test::runOsctl(args, {{}, stdinFile, {}});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = QDir(m_dir.path()).filePath(QStringLiteral("audit.db"));
        m_a = file("a.policy.yaml", replaytest::kPolicyA);
        m_b = file("b.policy.yaml", replaytest::kPolicyB);
        m_session = file("session.jsonl", replaytest::joined(replaytest::sessionLines()));
        const auto r = osctl({QStringLiteral("import"), m_session, QStringLiteral("--policy"), m_a,
                              QStringLiteral("--session"), QStringLiteral("cli"), QStringLiteral("--store"), m_store});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, QStringLiteral("cli\n"));
    }

    // Every action whose `osctl eval` decision differs between the two
    // policies is printed, with eval's decisions and policies, and no other.
    void jsonlAgreesWithEval()
    {
        const auto evalA = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), m_a}, m_session);
        const auto evalB = osctl({QStringLiteral("eval"), QStringLiteral("--policy"), m_b}, m_session);
        QCOMPARE(evalA.code, 0);
        QCOMPARE(evalB.code, 0);
        const auto la = evalA.lines(), lb = evalB.lines();
        QCOMPARE(la.size(), qsizetype(10));
        QStringList expected;
        auto orNull = [](const QJsonValue &v) {
            return v.isNull() ? QStringLiteral("null") : QStringLiteral("\"%1\"").arg(v.toString());
        };
        for (qsizetype i = 0; i < la.size(); ++i) {
            const auto a = osh::test::jsonLine(la[i]), b = osh::test::jsonLine(lb[i]);
            if (a.value(QStringLiteral("decision")) == b.value(QStringLiteral("decision"))
                && a.value(QStringLiteral("policy")) == b.value(QStringLiteral("policy")))
                continue;
            expected << QStringLiteral("{\"seq\":%1,\"before\":\"%2\",\"after\":\"%3\",\"policy_before\":%4,\"policy_after\":%5}")
                            .arg(i + 1)
                            .arg(a.value(QStringLiteral("decision")).toString(), b.value(QStringLiteral("decision")).toString(),
                                 orNull(a.value(QStringLiteral("policy"))), orNull(b.value(QStringLiteral("policy"))));
        }
        QVERIFY(expected.size() >= 5);
        const auto r = osctl({QStringLiteral("replay"), QStringLiteral("cli"), QStringLiteral("--policy"), m_b,
                              QStringLiteral("--format"), QStringLiteral("jsonl"), QStringLiteral("--store"), m_store});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        auto lines = r.lines();
        QVERIFY(!lines.isEmpty());
        const QString summary = lines.takeLast();
        QCOMPARE(lines, expected);
        QVERIFY(expected.contains(QStringLiteral(
            "{\"seq\":2,\"before\":\"escalate\",\"after\":\"allow\",\"policy_before\":\"email-approval\",\"policy_after\":null}")));
        const auto s = osh::test::jsonLine(summary).value(QStringLiteral("summary")).toObject();
        QCOMPARE(s.value(QStringLiteral("actions")).toInt(), 10);
        QCOMPARE(s.value(QStringLiteral("changed")).toInt(), int(expected.size()));
        QCOMPARE(s.value(QStringLiteral("approximate")).toInt(), 0);
        QVERIFY(s.value(QStringLiteral("text")).toString().contains(QStringLiteral("1 no longer escalated")));
    }

    void tableFormat()
    {
        const auto r = osctl({QStringLiteral("replay"), QStringLiteral("cli"), QStringLiteral("--policy"), m_b,
                              QStringLiteral("--store"), m_store});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto lines = r.lines();
        QVERIFY(lines.size() >= 4);
        QVERIFY2(lines[0].startsWith(QStringLiteral("SEQ  TIME")), qPrintable(lines[0]));
        QVERIFY(lines[0].contains(QStringLiteral("BEFORE")));
        QVERIFY(lines[0].contains(QStringLiteral("POLICY AFTER")));
        bool row2 = false;
        for (const auto &l : lines)
            row2 = row2
                || (l.startsWith(QStringLiteral("2 ")) && l.contains(QStringLiteral("1970-01-01T00:16:41.000Z"))
                    && l.contains(QStringLiteral("escalate")) && l.contains(QStringLiteral("email-approval")));
        QVERIFY2(row2, qPrintable(r.out));
        QVERIFY2(lines[lines.size() - 2].contains(QStringLiteral("would now be blocked")), qPrintable(r.out));
        QVERIFY2(lines.last().startsWith(QStringLiteral("10 actions replayed, ")), qPrintable(lines.last()));

        // Against its own policy: nothing changes, exit 0.
        const auto same = osctl({QStringLiteral("replay"), QStringLiteral("cli"), QStringLiteral("--policy"), m_a,
                                 QStringLiteral("--store"), m_store});
        QCOMPARE(same.code, 0);
        QVERIFY2(same.out.startsWith(QStringLiteral("no decision would change\n")), qPrintable(same.out));
    }

    // --policy REV: the session's recorded policy file at a git revision.
    void policyAtRevision()
    {
#ifdef OSH_HAVE_VCS
        const QString repoDir = QDir(m_dir.path()).filePath(QStringLiteral("repo"));
        QVERIFY(QDir().mkpath(repoDir));
        auto repo = osh::vcs::PolicyRepository::init(repoDir);
        QVERIFY2(repo, qPrintable(repo.error));
        const QString policy = QDir(repoDir).filePath(QStringLiteral("p.policy.yaml"));
        const osh::vcs::Author me{QStringLiteral("Test"), QStringLiteral("test@example.invalid")};
        auto write = [&](const char *text) {
            QFile f(policy);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
        };
        write(replaytest::kPolicyB);
        QVERIFY(repo->commit({policy}, QStringLiteral("b"), me));
        write(replaytest::kPolicyA);
        QVERIFY(repo->commit({policy}, QStringLiteral("a"), me));
        auto r = osctl({QStringLiteral("import"), m_session, QStringLiteral("--policy"), policy,
                        QStringLiteral("--session"), QStringLiteral("git"), QStringLiteral("--store"), m_store});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto byRev = osctl({QStringLiteral("replay"), QStringLiteral("git"), QStringLiteral("--policy"),
                                  QStringLiteral("HEAD~1"), QStringLiteral("--format"), QStringLiteral("jsonl"),
                                  QStringLiteral("--store"), m_store});
        QVERIFY2(byRev.code == 0, qPrintable(byRev.err));
        const auto byFile = osctl({QStringLiteral("replay"), QStringLiteral("git"), QStringLiteral("--policy"), m_b,
                                   QStringLiteral("--format"), QStringLiteral("jsonl"), QStringLiteral("--store"), m_store});
        QCOMPARE(byRev.out, byFile.out);
        QVERIFY(byRev.lines().size() > 3);
        const auto bad = osctl({QStringLiteral("replay"), QStringLiteral("git"), QStringLiteral("--policy"),
                                QStringLiteral("no-such-rev"), QStringLiteral("--store"), m_store});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains(QStringLiteral("'no-such-rev' is not a file, nor a readable revision")), qPrintable(bad.err));
#else
        QSKIP("this build has no core/vcs");
#endif
    }

    void errors()
    {
        // A revision of a policy file in no repository: a clear error.
        auto r = osctl({QStringLiteral("replay"), QStringLiteral("cli"), QStringLiteral("--policy"),
                        QStringLiteral("HEAD~1"), QStringLiteral("--store"), m_store});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("'HEAD~1' is not a file")), qPrintable(r.err));
        r = osctl({QStringLiteral("replay"), QStringLiteral("nope"), QStringLiteral("--policy"), m_b,
                   QStringLiteral("--store"), m_store});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("no session 'nope'")), qPrintable(r.err));
        r = osctl({QStringLiteral("replay"), QStringLiteral("cli"), QStringLiteral("--store"), m_store});
        QCOMPARE(r.code, 2);
        r = osctl({QStringLiteral("replay"), QStringLiteral("cli"), QStringLiteral("--policy"), m_b,
                   QStringLiteral("--format"), QStringLiteral("xml"), QStringLiteral("--store"), m_store});
        QCOMPARE(r.code, 2);

        // A bad line: FILE:LINE:COL, nothing imported.
        const QString bad = file("bad.jsonl", "{\"trigger\":\"agent_response\",\"response\":\"hi\"}\n"
                                              "{\"trigger\":\"launch\"}\n");
        r = osctl({QStringLiteral("import"), bad, QStringLiteral("--session"), QStringLiteral("bad"),
                   QStringLiteral("--store"), m_store});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(bad + QStringLiteral(":2:12: unknown trigger 'launch'")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("nothing was imported")));
        QVERIFY(r.out.isEmpty());
        r = osctl({QStringLiteral("sessions"), QStringLiteral("--format"), QStringLiteral("jsonl"),
                   QStringLiteral("--store"), m_store});
        QCOMPARE(r.code, 0);
        QVERIFY2(!r.out.contains(QStringLiteral("\"bad\"")), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TstOsctlReplay)
#include "tst_osctl_replay.moc"
