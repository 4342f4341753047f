// osctl run and osctl demo with real sandboxes: exit status, interruption,
// the session record, and the demo's enforcement end to end.

#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TstOsctlRun : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString store() const { return m_dir.filePath(QStringLiteral("store/audit.db")); }
    QString policy(const QString &isolation) const
    {
        const QString path = m_dir.filePath(QStringLiteral("p-%1.policy.yaml").arg(isolation));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write the policy");
        f.write(QStringLiteral("version: 1\nname: run-test\nsandbox:\n  isolation: %1\n  max_execution_time_seconds: 60\n"
                               "  cleanup_policy: destroy\n")
                    .arg(isolation)
                    .toUtf8());
        return path;
    }
    QStringList sessionsJson()
    {
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("sessions"), QStringLiteral("--format"), QStringLiteral("jsonl"),
                                             QStringLiteral("--store"), store()});
        p.waitForFinished(30000);
        return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void exitStatusPropagates_data()
    {
        QTest::addColumn<QString>("isolation");
        QTest::newRow("gvisor") << QStringLiteral("gvisor");
        QTest::newRow("container") << QStringLiteral("container");
    }

    void exitStatusPropagates()
    {
        QFETCH(QString, isolation);
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policy(isolation), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                                             QStringLiteral("echo hello from $OPENSHELL_SESSION; ls / >/dev/null; exit 3")});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 3);
        QVERIFY2(out.contains(QStringLiteral("hello from 20")), qPrintable(out + err));
        QVERIFY(err.contains(QStringLiteral("session started")));
        const auto last = QJsonDocument::fromJson(sessionsJson().last().toUtf8()).object();
        QCOMPARE(last[QStringLiteral("exit_status")].toInt(), 3);
        QCOMPARE(last[QStringLiteral("isolation")].toString(), isolation);
    }

    void ctrlCEndsCleanly()
    {
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policy(QStringLiteral("gvisor")), QStringLiteral("--"), QStringLiteral("sh"),
                                             QStringLiteral("-c"), QStringLiteral("echo started; sleep 50")});
        QVERIFY(p.waitForStarted());
        QByteArray seen;
        QElapsedTimer t;
        t.start();
        while (!seen.contains("started") && t.elapsed() < 30000 && p.state() == QProcess::Running)
            if (p.waitForReadyRead(500))
                seen += p.readAllStandardOutput();
        QVERIFY2(seen.contains("started"), seen.constData());
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 130);
        const auto last = QJsonDocument::fromJson(sessionsJson().last().toUtf8()).object();
        QCOMPARE(last[QStringLiteral("exit_reason")].toString(), QStringLiteral("interrupted"));
    }

    void snapshotAndRestore()
    {
        const QString snapPolicy = m_dir.filePath(QStringLiteral("snap.policy.yaml"));
        QFile f(snapPolicy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: snap\nsandbox:\n  max_execution_time_seconds: 60\n  cleanup_policy: snapshot\n");
        f.close();
        QProcess first;
        first.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                                 snapPolicy, QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                                                 QStringLiteral("echo remembered > /agent/workspace/state.txt")});
        QVERIFY(first.waitForFinished(120000));
        QCOMPARE(first.exitCode(), 0);
        const QString err = QString::fromUtf8(first.readAllStandardError());
        const auto at = err.indexOf(QStringLiteral("snapshot saved: "));
        QVERIFY2(at >= 0, qPrintable(err));
        const QString snapshot = err.mid(at + 16).section(QLatin1Char(' '), 0, 0).trimmed();
        QVERIFY2(QFile::exists(snapshot), qPrintable(snapshot));
        QProcess second;
        second.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--restore"),
                                                  snapshot, QStringLiteral("--policy"), snapPolicy, QStringLiteral("--"),
                                                  QStringLiteral("cat"), QStringLiteral("/agent/workspace/state.txt")});
        QVERIFY(second.waitForFinished(120000));
        QCOMPARE(second.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(second.readAllStandardOutput()).trimmed(), QStringLiteral("remembered"));
    }

    void policyErrorsStartNothing()
    {
        const QString bad = m_dir.filePath(QStringLiteral("bad.policy.yaml"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("version: 1\nname: bad\nsandbox: {isolation: gvisr}\n");
        f.close();
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"), bad,
                                             QStringLiteral("--"), QStringLiteral("true")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 125);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("E013")));
    }

    void firecrackerFailsClearly()
    {
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--isolation"),
                                             QStringLiteral("firecracker"), QStringLiteral("--policy"), policy(QStringLiteral("gvisor")),
                                             QStringLiteral("--"), QStringLiteral("true")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 125);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QStringLiteral("firecracker")));
    }

    void demoEnforcesThePolicy()
    {
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("demo"), QStringLiteral("--quiet"), QStringLiteral("--store"), store()});
        QVERIFY(p.waitForFinished(240000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(p.exitCode() == 0, qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
        QVERIFY(!out.contains(QStringLiteral("MISSING")));
        QVERIFY(out.contains(QStringLiteral("[REDACTED:credit_card]")));
        QVERIFY(!out.contains(QStringLiteral("4111 1111 1111 1111 was refunded")));
        // The audit trail has it all, queryable as JSON lines.
        QProcess q;
        q.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--store"), store(),
                                             QStringLiteral("--decision"), QStringLiteral("block"), QStringLiteral("--format"),
                                             QStringLiteral("jsonl")});
        QVERIFY(q.waitForFinished(30000));
        const auto lines = QString::fromUtf8(q.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 8);
        for (const auto &l : lines) {
            QCOMPARE(QJsonDocument::fromJson(l.toUtf8()).object()[QStringLiteral("decision")].toString(), QStringLiteral("block"));
            QVERIFY2(!l.contains(QStringLiteral("4111 1111 1111 1111")), qPrintable(l));
        }
    }
};

QTEST_GUILESS_MAIN(TstOsctlRun)
#include "tst_osctl_run.moc"
