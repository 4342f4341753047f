// osctl history and osctl diff end to end: the real binary on a temporary
// repository whose commits are made with PolicyRepository.

#include "osctlrunner.h"

#include "vcs/policyrepository.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace osh::vcs;

class TstOsctlHistory : public QObject
{
    Q_OBJECT

    using Run = osh::test::OsctlRun;

    static Run osctl(const QStringList &args) { return osh::test::runOsctl(args); }

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_file;
    QByteArray m_v1, m_v2;

    void write(const QByteArray &bytes)
    {
        QFile f(m_file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_file = m_tmp->filePath(QStringLiteral("prod.policy.yaml"));
        QFile seed(QStringLiteral(OSH_SOURCE_DIR "/tests/data/seed/production.policy.yaml"));
        QVERIFY(seed.open(QIODevice::ReadOnly));
        m_v1 = seed.readAll();
        m_v2 = m_v1;
        m_v2.replace("max_memory_mb: 2048", "max_memory_mb: 4096");
        QVERIFY(m_v2 != m_v1);

        auto repo = PolicyRepository::init(m_tmp->path());
        QVERIFY2(repo, qPrintable(repo.error));
        write(m_v1);
        QVERIFY(repo->commit({m_file}, QStringLiteral("Seed policy"), {QStringLiteral("Alice"), QStringLiteral("alice@example.org")}));
        QVERIFY(repo->markDeployed(QStringLiteral("HEAD"), {QStringLiteral("Alice"), QStringLiteral("alice@example.org")}, {}));
        write(m_v2);
        QVERIFY(repo->commit({m_file}, QStringLiteral("More memory\n\nFor the large tickets."),
                             {QStringLiteral("Bob"), QStringLiteral("bob@example.org")}));
    }

    void historyTable()
    {
        const auto r = osctl({QStringLiteral("history"), m_file});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const QStringList lines = r.lines();
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith(QStringLiteral("COMMIT")));
        QVERIFY(lines[0].contains(QStringLiteral("DEPLOYED")));
        QVERIFY(lines[1].contains(QStringLiteral("Bob")));
        QVERIFY(lines[1].contains(QStringLiteral("More memory")));
        QVERIFY(!lines[1].contains(QStringLiteral("deployed/")));
        QVERIFY(lines[2].contains(QStringLiteral("Alice")));
        QVERIFY(lines[2].contains(QStringLiteral("deployed/")));
        QVERIFY(!r.out.contains(QLatin1Char('\033'))); // not a terminal: no colour
    }

    void historyJsonl()
    {
        const auto r = osctl({QStringLiteral("history"), QStringLiteral("--format"), QStringLiteral("jsonl"), m_file});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.lines().size(), 2);
        const QJsonObject newest = QJsonDocument::fromJson(r.lines()[0].toUtf8()).object();
        QCOMPARE(newest.value(QStringLiteral("author")).toString(), QStringLiteral("Bob"));
        QCOMPARE(newest.value(QStringLiteral("email")).toString(), QStringLiteral("bob@example.org"));
        QCOMPARE(newest.value(QStringLiteral("summary")).toString(), QStringLiteral("More memory"));
        QCOMPARE(newest.value(QStringLiteral("message")).toString(), QStringLiteral("More memory\n\nFor the large tickets.\n"));
        QCOMPARE(newest.value(QStringLiteral("commit")).toString().size(), 40);
        QVERIFY(newest.value(QStringLiteral("deployed")).toArray().isEmpty());
        QVERIFY(QDateTime::fromString(newest.value(QStringLiteral("time")).toString(), Qt::ISODate).isValid());
        const QJsonObject oldest = QJsonDocument::fromJson(r.lines()[1].toUtf8()).object();
        QCOMPARE(oldest.value(QStringLiteral("deployed")).toArray().size(), 1);

        const auto limited = osctl({QStringLiteral("history"), QStringLiteral("--format=jsonl"), QStringLiteral("--limit"),
                                    QStringLiteral("1"), m_file});
        QCOMPARE(limited.lines().size(), 1);
    }

    void historyErrors()
    {
        QTemporaryDir plain;
        const QString outside = plain.filePath(QStringLiteral("x.policy.yaml"));
        QFile f(outside);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\n");
        f.close();
        auto r = osctl({QStringLiteral("history"), outside});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("not in a git repository")), qPrintable(r.err));
        QCOMPARE(osctl({QStringLiteral("history")}).code, 2);
        QCOMPARE(osctl({QStringLiteral("history"), QStringLiteral("--format"), QStringLiteral("xml"), m_file}).code, 2);
        QCOMPARE(osctl({QStringLiteral("history"), QStringLiteral("--limit"), QStringLiteral("0"), m_file}).code, 2);
    }

    void diffText()
    {
        const auto r = osctl({QStringLiteral("diff"), QStringLiteral("HEAD~1"), QStringLiteral("HEAD"), m_file});
        QCOMPARE(r.code, 0);
        const QStringList lines = r.lines();
        QVERIFY(lines.size() >= 5);
        QVERIFY(lines[0].startsWith(QStringLiteral("--- prod.policy.yaml@HEAD~1 ")));
        QVERIFY(lines[1].startsWith(QStringLiteral("+++ prod.policy.yaml@HEAD ")));
        QVERIFY(lines[2].startsWith(QStringLiteral("@@ -3,7 +3,7 @@")));
        QVERIFY(lines.contains(QStringLiteral("-  max_memory_mb: 2048")));
        QVERIFY(lines.contains(QStringLiteral("+  max_memory_mb: 4096")));
        QCOMPARE(lines.filter(QRegularExpression(QStringLiteral("^[-+] "))).size(), 2);

        // A deployed tag as a revision; the same version on both sides prints nothing.
        const auto tags = PolicyRepository::discover(m_file)->deployedTags();
        QCOMPARE(tags->size(), 1);
        const auto same = osctl({QStringLiteral("diff"), tags->first().name, QStringLiteral("HEAD~1"), m_file});
        QCOMPARE(same.code, 0);
        QVERIFY(same.out.isEmpty());
        // DEPLOYED names that version (HEAD~1 here): its diff to HEAD is the one above.
        const auto deployed = osctl({QStringLiteral("diff"), QStringLiteral("DEPLOYED"), QStringLiteral("HEAD"), m_file});
        QCOMPARE(deployed.code, 0);
        QVERIFY(deployed.lines()[0].startsWith(QStringLiteral("--- prod.policy.yaml@DEPLOYED ")));
        QCOMPARE(deployed.lines().mid(2), lines.mid(2));
        // --context 0: only the changed lines.
        const auto tight = osctl({QStringLiteral("diff"), QStringLiteral("--context"), QStringLiteral("0"),
                                  QStringLiteral("HEAD~1"), QStringLiteral("HEAD"), m_file});
        QCOMPARE(tight.lines().size(), 5);
    }

    void diffWorktree()
    {
        write(m_v2 + "# a note\n");
        const auto r = osctl({QStringLiteral("diff"), QStringLiteral("HEAD"), QStringLiteral("WORKTREE"), m_file});
        write(m_v2);
        QCOMPARE(r.code, 0);
        QVERIFY(r.lines()[1].startsWith(QStringLiteral("+++ prod.policy.yaml (working file)")));
        QVERIFY(r.lines().contains(QStringLiteral("+# a note")));
    }

    void diffSemantic()
    {
        auto r = osctl({QStringLiteral("diff"), QStringLiteral("--semantic"), QStringLiteral("HEAD~1"), QStringLiteral("HEAD"), m_file});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("max_memory_mb")), qPrintable(r.out));
        QVERIFY(!r.out.contains(QStringLiteral("@@")));
        r = osctl({QStringLiteral("diff"), QStringLiteral("--semantic"), QStringLiteral("--format"), QStringLiteral("json"),
                   QStringLiteral("HEAD~1"), QStringLiteral("HEAD"), m_file});
        QCOMPARE(r.code, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.object().value(QStringLiteral("changes")).toArray().size() >= 1);

        // A version with YAML errors: the loader's findings, exit 1.
        write("version: 1\nname: [broken\n");
        r = osctl({QStringLiteral("diff"), QStringLiteral("--semantic"), QStringLiteral("HEAD"), QStringLiteral("WORKTREE"), m_file});
        write(m_v2);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("(working file)")), qPrintable(r.err));
    }

    void diffErrors()
    {
        auto r = osctl({QStringLiteral("diff"), QStringLiteral("nope"), QStringLiteral("HEAD"), m_file});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("unknown revision 'nope'")), qPrintable(r.err));
        QCOMPARE(osctl({QStringLiteral("diff"), QStringLiteral("HEAD"), m_file}).code, 2);
        QCOMPARE(osctl({QStringLiteral("diff"), QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("HEAD~1"),
                        QStringLiteral("HEAD"), m_file})
                     .code,
                 2);
        r = osctl({QStringLiteral("diff"), QStringLiteral("HEAD"), QStringLiteral("HEAD"),
                   m_tmp->filePath(QStringLiteral("missing.yaml"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("does not exist at HEAD")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TstOsctlHistory)
#include "tst_osctl_history.moc"
