// osctl run and osctl demo with real sandboxes: exit status, interruption,
// the session record, and the demo's enforcement end to end.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <sys/stat.h>
#include <unistd.h>

// An ordinary user of the host, with no name in any passwd file; the
// workspaces given to `osctl run` belong to it, as a user's own folder would.
constexpr uid_t kUser = 1234;
constexpr gid_t kUserGroup = 1234;

struct Owner
{
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0;
    bool operator==(const Owner &) const = default;
};

Owner ownerOf(const QString &path)
{
    struct stat st{};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return {st.st_uid, st.st_gid, st.st_mode & 07777};
}

// Gives a folder and everything in it to a user, as if the user had made it.
void handTo(const QString &dir, uid_t uid, gid_t gid)
{
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    QStringList paths{dir};
    while (it.hasNext())
        paths << it.next();
    for (const QString &p : paths)
        QVERIFY2(::lchown(QFile::encodeName(p).constData(), uid, gid) == 0, qPrintable(p));
}

void writeFile(const QString &path, const QByteArray &content, uid_t uid, gid_t gid, mode_t mode)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(content);
    f.close();
    QVERIFY(::chown(QFile::encodeName(path).constData(), uid, gid) == 0);
    QVERIFY(::chmod(QFile::encodeName(path).constData(), mode) == 0);
}

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
    // A policy and the agent scripts in a folder of their own (the folder
    // is mounted into the sandbox), with the workspace rule that lets agent
    // code plant links (so the controller, not the guard, must hold).
    QString agentPolicy(const QString &name, const QString &isolation, int seconds)
    {
        const QString dir = m_dir.filePath(name + QLatin1Char('-') + isolation);
        QDir().mkpath(dir);
        for (const char *script : {"controller_race.py", "controller_fifo.py"})
            QFile::copy(QStringLiteral(OSH_TEST_DATA_DIR "/agents/") + QLatin1String(script), dir + QLatin1Char('/') + QLatin1String(script));
        const QString path = dir + QStringLiteral("/agent.policy.yaml");
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write the policy");
        f.write(QStringLiteral("version: 1\nname: %1\nsandbox:\n  isolation: %2\n  max_execution_time_seconds: %3\n"
                               "  cleanup_policy: destroy\nfilesystem:\n  workspace: /agent/workspace\n  rules:\n"
                               "    - {path: /agent/workspace, permissions: read-write, block_symlinks: false}\n")
                    .arg(name, isolation)
                    .arg(seconds)
                    .toUtf8());
        return path;
    }
    static void modes()
    {
        QTest::addColumn<QString>("isolation");
        QTest::newRow("gvisor") << QStringLiteral("gvisor");
        QTest::newRow("container") << QStringLiteral("container");
        QTest::newRow("microvm") << QStringLiteral("firecracker");
    }

    // Until the agent printed "started" (at most 30 s).
    static bool waitForStarted(QProcess &p)
    {
        if (!p.waitForStarted())
            return false;
        QByteArray seen;
        QElapsedTimer t;
        t.start();
        while (!seen.contains("started") && t.elapsed() < 30000 && p.state() == QProcess::Running)
            if (p.waitForReadyRead(500))
                seen += p.readAllStandardOutput();
        if (!seen.contains("started"))
            qWarning("no start seen: %s", seen.constData());
        return seen.contains("started");
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
        QTest::newRow("microvm") << QStringLiteral("firecracker");
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

        // What enforced what: printed under the start, and in the event.
        const bool container = isolation == QLatin1StringView("container");
        const bool microVm = isolation == QLatin1StringView("firecracker");
        QVERIFY2(err.contains(microVm ? QStringLiteral("\n         max_memory_mb 2048: the guest's memory (-m); memory cgroup osh-sbx-")
                                      : QStringLiteral("\n         max_memory_mb 2048: memory cgroup osh-sbx-")),
                 qPrintable(err));
        QVERIFY2(err.contains(container ? QStringLiteral("\n         max_processes 50: pids cgroup")
                              : microVm ? QStringLiteral("\n         max_processes 50: RLIMIT_NPROC in the guest kernel")
                                        : QStringLiteral("\n         max_processes 50: RLIMIT_NPROC in gVisor's kernel")),
                 qPrintable(err));
        QVERIFY2(err.contains(container ? QStringLiteral("\n         system_calls: seccomp filter of the init")
                              : microVm ? QStringLiteral("\n         system_calls: answered by the guest kernel, behind the same seccomp filter")
                                        : QStringLiteral("\n         system_calls: answered by gVisor's kernel")),
                 qPrintable(err));
        // Which VMM ran, and how.
        if (microVm)
            QVERIFY2(err.contains(QStringLiteral("\n         vmm qemu-microvm/")), qPrintable(err));
        QProcess events;
        events.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--store"), store(),
                                                  QStringLiteral("--session"), last[QStringLiteral("id")].toString(),
                                                  QStringLiteral("--format"), QStringLiteral("jsonl")});
        QVERIFY(events.waitForFinished(30000));
        const QString exported = QString::fromUtf8(events.readAllStandardOutput());
        const QStringList lines = exported.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty(), qPrintable(QString::fromUtf8(events.readAllStandardError())));
        QJsonObject started;
        for (const QString &line : lines)
            if (const QJsonObject e = QJsonDocument::fromJson(line.toUtf8()).object();
                e.value(QStringLiteral("message")).toString().startsWith(QStringLiteral("session started")))
                started = e;
        const QJsonObject params = started.value(QStringLiteral("parameters")).toObject();
        QCOMPARE(params.value(QStringLiteral("isolation")).toString(), isolation);
        QStringList controls;
        for (const QJsonValue &v : params.value(QStringLiteral("enforcement")).toArray())
            controls << v.toObject().value(QStringLiteral("control")).toString();
        QStringList expected{QStringLiteral("kernel"), QStringLiteral("system_calls"), QStringLiteral("identity"),
                             QStringLiteral("max_memory_mb"), QStringLiteral("max_cpu_cores"),
                             QStringLiteral("max_execution_time_seconds"), QStringLiteral("max_processes"),
                             QStringLiteral("max_open_files"), QStringLiteral("network")};
        if (microVm)
            expected.prepend(QStringLiteral("vmm"));
        QCOMPARE(controls, expected);
    }

    void ctrlCEndsCleanly()
    {
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policy(QStringLiteral("gvisor")), QStringLiteral("--"), QStringLiteral("sh"),
                                             QStringLiteral("-c"), QStringLiteral("echo started; sleep 50")});
        QVERIFY(waitForStarted(p));
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

        // Into a user's empty folder: the folder stays as it is, the restored
        // files become the user's, and the agent runs as that user.
        const QString keepPolicy = m_dir.filePath(QStringLiteral("restore-keep.policy.yaml"));
        writeFile(keepPolicy, "version: 1\nname: keep\nsandbox:\n  max_execution_time_seconds: 60\n  cleanup_policy: destroy\n", 0, 0, 0644);
        const QString ws = m_dir.filePath(QStringLiteral("restore-ws"));
        QVERIFY(QDir().mkpath(ws));
        QVERIFY(::chown(QFile::encodeName(ws).constData(), kUser, kUserGroup) == 0);
        QVERIFY(::chmod(QFile::encodeName(ws).constData(), 0750) == 0);
        QProcess third;
        third.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--restore"),
                                                 snapshot, QStringLiteral("--workspace"), ws, QStringLiteral("--policy"), keepPolicy,
                                                 QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                                                 QStringLiteral("id -u; cat /agent/workspace/state.txt")});
        QVERIFY(third.waitForFinished(120000));
        const QString out = QString::fromUtf8(third.readAllStandardOutput());
        QVERIFY2(third.exitCode() == 0, qPrintable(out + QString::fromUtf8(third.readAllStandardError())));
        QCOMPARE(out, QStringLiteral("1234\nremembered\n"));
        QCOMPARE(ownerOf(ws), (Owner{kUser, kUserGroup, 0750}));
        const Owner restored = ownerOf(ws + QStringLiteral("/state.txt"));
        QVERIFY(restored.uid == kUser && restored.gid == kUserGroup);
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

    // Agent code swaps a workspace file and folder for links to a host file
    // and folder for 20 s while the controller reads and writes there.
    void controllerRaceReachesNoHostFile_data() { modes(); }
    void controllerRaceReachesNoHostFile()
    {
        QFETCH(QString, isolation);
        const QString host = m_dir.filePath(QStringLiteral("host-") + isolation);
        QVERIFY(QDir().mkpath(host + QStringLiteral("/victim")));
        ::chmod(QFile::encodeName(m_dir.path()).constData(), 0755);
        ::chmod(QFile::encodeName(host).constData(), 0755);
        ::chmod(QFile::encodeName(host + QStringLiteral("/victim")).constData(), 0777);
        const QString secret = QStringLiteral("CANARY-%1-host-only").arg(isolation);
        QFile canary(host + QStringLiteral("/canary.txt"));
        QVERIFY(canary.open(QIODevice::WriteOnly));
        canary.write(secret.toUtf8());
        canary.close();
        ::chmod(QFile::encodeName(canary.fileName()).constData(), 0644);
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             agentPolicy(QStringLiteral("race"), isolation, 90), QStringLiteral("--"),
                                             QStringLiteral("python3"), QStringLiteral("controller_race.py"), QStringLiteral("20"),
                                             canary.fileName(), host + QStringLiteral("/victim"), secret});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 0);
        const auto summary = QJsonDocument::fromJson(out.trimmed().section(QLatin1Char('\n'), -1).toUtf8()).object();
        qInfo("%s: %s", qPrintable(isolation), qPrintable(out.trimmed()));
        QVERIFY2(!summary.isEmpty(), qPrintable(out + err));
        QVERIFY(!summary[QStringLiteral("leaked")].toBool());
        QVERIFY(!out.contains(secret)); // (the command line on stderr names it)
        QVERIFY2(QDir(host + QStringLiteral("/victim")).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 "a file was written into the host folder through a swapped link");
        // Both outcomes of the race happened: the test exercised it.
        QVERIFY(summary[QStringLiteral("read_ok")].toInt() > 0);
        QVERIFY(summary[QStringLiteral("escaped")].toInt() > 0); // links were there when asked
    }

    // A FIFO or socket read through the controller is refused at once, the
    // runtime keeps answering, and the session still ends at its limit.
    void specialFilesKeepTheTimeLimit_data() { modes(); }
    void specialFilesKeepTheTimeLimit()
    {
        QFETCH(QString, isolation);
        QElapsedTimer t;
        t.start();
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             agentPolicy(QStringLiteral("fifo"), isolation, 8), QStringLiteral("--"),
                                             QStringLiteral("python3"), QStringLiteral("controller_fifo.py")});
        QVERIFY(p.waitForFinished(60000));
        const qint64 elapsed = t.elapsed();
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        const QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 3, qPrintable(out + err));
        for (const QString &line : lines) {
            const auto r = QJsonDocument::fromJson(line.toUtf8()).object();
            // In gVisor a FIFO or socket exists only inside the sandbox
            // kernel: on the host the name is free, and a write creates a
            // plain file there. In a container it is the host's own FIFO.
            if (isolation == QLatin1StringView("container"))
                QVERIFY2(!r[QStringLiteral("ok")].toBool(), qPrintable(line));
            else if (r[QStringLiteral("op")].toString() == QLatin1StringView("read"))
                QVERIFY2(!r[QStringLiteral("ok")].toBool(), qPrintable(line));
            QVERIFY2(r[QStringLiteral("seconds")].toDouble() < 2.0, qPrintable(line));
        }
        // 8 s limit, the stop grace and the sandbox's start and teardown.
        QVERIFY2(elapsed < 8000 + 10000, qPrintable(QString::number(elapsed)));
        const auto last = QJsonDocument::fromJson(sessionsJson().last().toUtf8()).object();
        QCOMPARE(last[QStringLiteral("exit_reason")].toString(), QStringLiteral("timeout"));
    }

    // Rules inside the workspace hold against agent code working directly:
    // a read-only folder (nested two levels down) cannot be written, moved
    // away or deleted, and a write-only folder can be neither written raw
    // nor read back.
    void nestedRulesHoldInsideTheSandbox_data() { modes(); }
    void nestedRulesHoldInsideTheSandbox()
    {
        QFETCH(QString, isolation);
        const QString dir = m_dir.filePath(QStringLiteral("nested-") + isolation);
        QVERIFY(QDir().mkpath(dir));
        const QString workspace = dir + QStringLiteral("/ws");
        QVERIFY(QDir().mkpath(workspace + QStringLiteral("/a/ro")));
        QVERIFY(QDir().mkpath(workspace + QStringLiteral("/out")));
        QFile kept(workspace + QStringLiteral("/a/ro/kept.txt"));
        QVERIFY(kept.open(QIODevice::WriteOnly));
        kept.write("original");
        kept.close();
        QFile earlier(workspace + QStringLiteral("/out/earlier.txt"));
        QVERIFY(earlier.open(QIODevice::WriteOnly));
        earlier.write("written through the controller earlier");
        earlier.close();
        const QString path = dir + QStringLiteral("/nested.policy.yaml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("version: 1\nname: nested\nsandbox:\n  isolation: %1\n  max_execution_time_seconds: 60\n"
                               "filesystem:\n  workspace: /agent/workspace\n  rules:\n"
                               "    - {path: /agent/workspace, permissions: read-write}\n"
                               "    - {path: /agent/workspace/a/ro, permissions: read}\n"
                               "    - {path: /agent/workspace/out, permissions: write}\n"
                               "    - {path: /agent/workspace/b/made, permissions: read}\n")
                    .arg(isolation)
                    .toUtf8());
        f.close();
        // The agent runs as the workspace's owner: an ordinary user's folder.
        handTo(workspace, kUser, kUserGroup);
        const QString script = QStringLiteral(
            "cd /agent/workspace; "
            "echo changed > a/ro/kept.txt 2>/dev/null && echo WROTE-RO; "
            "mv a moved 2>/dev/null && echo MOVED-PARENT; "
            "rm -rf a 2>/dev/null; [ -f a/ro/kept.txt ] || echo DELETED-RO; "
            "echo raw > out/raw.txt 2>/dev/null && echo WROTE-OUT; "
            "cat out/earlier.txt 2>/dev/null && echo READ-OUT; "
            "echo done");
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"), path,
                                             QStringLiteral("--workspace"), workspace, QStringLiteral("--"), QStringLiteral("sh"),
                                             QStringLiteral("-c"), script});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        qInfo("%s", qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("done")), qPrintable(out + err));
        for (const char *bad : {"WROTE-RO", "MOVED-PARENT", "DELETED-RO", "WROTE-OUT", "READ-OUT"})
            QVERIFY2(!out.contains(QLatin1String(bad)), qPrintable(out));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("original"));
        QVERIFY(!QFile::exists(workspace + QStringLiteral("/out/raw.txt")));
        // A rule's folder the runtime had to make in the user's workspace is the user's.
        for (const char *made : {"/b", "/b/made"}) {
            const Owner o = ownerOf(workspace + QLatin1String(made));
            QVERIFY2(o.uid == kUser && o.gid == kUserGroup, made);
        }
    }

    // A user's workspace keeps every owner and mode through a session whose
    // agent (running as that user) writes into it directly, through the
    // controller and through a tool; what it creates belongs to the user.
    // The policy lives in a folder only that user may read (0700).
    // cleanup_policy snapshot archives a user's workspace and leaves it:
    // only a workspace the runtime made itself is removed after a session.
    void snapshotKeepsAUsersWorkspace()
    {
        const QString dir = m_dir.filePath(QStringLiteral("snap-user"));
        const QString ws = dir + QStringLiteral("/ws");
        QVERIFY(QDir().mkpath(ws));
        const QString policyFile = dir + QStringLiteral("/snap.policy.yaml");
        writeFile(policyFile, "version: 1\nname: snap-user\nsandbox:\n  max_execution_time_seconds: 60\n  cleanup_policy: snapshot\n",
                  0, 0, 0644);
        writeFile(ws + QStringLiteral("/work.txt"), "the user's work\n", kUser, kUserGroup, 0644);
        QVERIFY(::chown(QFile::encodeName(ws).constData(), kUser, kUserGroup) == 0);
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policyFile, QStringLiteral("--workspace"), ws, QStringLiteral("--"), QStringLiteral("sh"),
                                             QStringLiteral("-c"), QStringLiteral("echo more >> work.txt")});
        QVERIFY(p.waitForFinished(120000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("snapshot saved: ")), qPrintable(err));
        QFile work(ws + QStringLiteral("/work.txt"));
        QVERIFY2(work.open(QIODevice::ReadOnly), "the user's workspace was removed after the snapshot");
        QCOMPARE(work.readAll(), QByteArray("the user's work\nmore\n"));
    }

    void userWorkspaceKeepsItsOwners_data() { modes(); }
    void userWorkspaceKeepsItsOwners()
    {
        QFETCH(QString, isolation);
        const QString dir = m_dir.filePath(QStringLiteral("owned-") + isolation);
        const QString policyDir = dir + QStringLiteral("/policy");
        const QString ws = dir + QStringLiteral("/ws");
        QVERIFY(QDir().mkpath(policyDir));
        QVERIFY(QDir().mkpath(ws + QStringLiteral("/folder")));
        QVERIFY(QFile::copy(QStringLiteral(OSH_TEST_DATA_DIR "/agents/owner_writes.py"), policyDir + QStringLiteral("/owner_writes.py")));
        const QString policyFile = policyDir + QStringLiteral("/agent.policy.yaml");
        writeFile(policyFile,
                  QStringLiteral("version: 1\nname: owned\nsandbox:\n  isolation: %1\n  max_execution_time_seconds: 90\n"
                                 "  cleanup_policy: destroy\nfilesystem:\n  workspace: /agent/workspace\n  rules:\n"
                                 "    - {path: /agent/workspace, permissions: read-write}\n"
                                 "tools:\n  - name: whoami_tool\n    description: Says who it runs as\n"
                                 "    command: [sh, -c, 'id -u; id -g; head -n 1 agent.policy.yaml']\n    timeout_seconds: 60\n")
                      .arg(isolation)
                      .toUtf8(),
                  kUser, kUserGroup, 0600);
        handTo(policyDir, kUser, kUserGroup);
        QVERIFY(::chmod(QFile::encodeName(policyDir).constData(), 0700) == 0);
        writeFile(ws + QStringLiteral("/private.txt"), "private\n", kUser, kUserGroup, 0600);
        writeFile(ws + QStringLiteral("/shared.txt"), "shared\n", kUser, kUserGroup, 0644);
        writeFile(ws + QStringLiteral("/folder/inner.txt"), "inner\n", kUser, kUserGroup, 0640);
        writeFile(ws + QStringLiteral("/others.txt"), "another user's\n", 4321, 4321, 0644);
        QVERIFY(::chown(QFile::encodeName(ws + QStringLiteral("/folder")).constData(), kUser, kUserGroup) == 0);
        QVERIFY(::chmod(QFile::encodeName(ws + QStringLiteral("/folder")).constData(), 0700) == 0);
        QVERIFY(::chown(QFile::encodeName(ws).constData(), kUser, kUserGroup) == 0);
        QVERIFY(::chmod(QFile::encodeName(ws).constData(), 0750) == 0);
        const QStringList existing = {QString(), QStringLiteral("/private.txt"), QStringLiteral("/shared.txt"),
                                      QStringLiteral("/folder"), QStringLiteral("/folder/inner.txt"), QStringLiteral("/others.txt")};
        QList<Owner> before;
        for (const QString &p : existing)
            before << ownerOf(ws + p);

        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policyFile, QStringLiteral("--workspace"), ws, QStringLiteral("--"),
                                             QStringLiteral("python3"), QStringLiteral("owner_writes.py")});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 0, qPrintable(out + err));
        QVERIFY2(err.contains(QStringLiteral("as uid 1234")), qPrintable(err));
        const auto seen = QJsonDocument::fromJson(out.trimmed().section(QLatin1Char('\n'), -1).toUtf8()).object();
        qInfo("%s: %s", qPrintable(isolation), qPrintable(out.trimmed()));
        QCOMPARE(seen[QStringLiteral("uid")].toInt(), int(kUser));
        QCOMPARE(seen[QStringLiteral("gid")].toInt(), int(kUserGroup));
        QVERIFY(!seen[QStringLiteral("wrote_others")].toBool());
        QVERIFY(seen[QStringLiteral("controller_ok")].toBool());
        // The tool runs as the same user and reads the user's policy folder.
        QVERIFY2(seen[QStringLiteral("tool")].toString().startsWith(QStringLiteral("1234\n1234\nversion: 1")),
                 qPrintable(seen[QStringLiteral("tool")].toString()));

        for (qsizetype i = 0; i < existing.size(); ++i) {
            const Owner now = ownerOf(ws + existing[i]);
            QVERIFY2(now == before[i], qPrintable(QStringLiteral("%1: %2:%3 %4, was %5:%6 %7")
                                                      .arg(existing[i])
                                                      .arg(now.uid).arg(now.gid).arg(now.mode, 0, 8)
                                                      .arg(before[i].uid).arg(before[i].gid).arg(before[i].mode, 0, 8)));
        }
        QFile priv(ws + QStringLiteral("/private.txt"));
        QVERIFY(priv.open(QIODevice::ReadOnly));
        QCOMPARE(priv.readAll(), QByteArray("private\nappended by the agent\n"));
        for (const char *made : {"/new.txt", "/newdir", "/newdir/file.txt", "/controller", "/controller/made.txt"}) {
            const Owner o = ownerOf(ws + QLatin1String(made));
            QVERIFY2(o.uid == kUser && o.gid == kUserGroup,
                     qPrintable(QStringLiteral("%1 belongs to %2:%3").arg(QLatin1String(made)).arg(o.uid).arg(o.gid)));
        }
        // Nothing of the policy folder changed hands either.
        QCOMPARE(ownerOf(policyDir), (Owner{kUser, kUserGroup, 0700}));
    }

    // A workspace that belongs to root (or is a link) is refused before
    // anything starts, and keeps its owners.
    void rootWorkspaceIsRefused()
    {
        const QString ws = m_dir.filePath(QStringLiteral("root-ws"));
        QVERIFY(QDir().mkpath(ws));
        writeFile(ws + QStringLiteral("/root.txt"), "root's\n", 0, 0, 0644);
        QVERIFY(::chmod(QFile::encodeName(ws).constData(), 0755) == 0);
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policy(QStringLiteral("gvisor")), QStringLiteral("--workspace"), ws, QStringLiteral("--"),
                                             QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo STARTED")});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 125);
        QVERIFY(!out.contains(QStringLiteral("STARTED")));
        QVERIFY2(err.contains(QStringLiteral("belongs to root")), qPrintable(err));
        QCOMPARE(ownerOf(ws), (Owner{0, 0, 0755}));
        QCOMPARE(ownerOf(ws + QStringLiteral("/root.txt")), (Owner{0, 0, 0644}));

        const QString link = m_dir.filePath(QStringLiteral("link-ws"));
        const QString target = m_dir.filePath(QStringLiteral("link-target"));
        QVERIFY(QDir().mkpath(target));
        handTo(target, kUser, kUserGroup);
        QVERIFY(QFile::link(target, link));
        QProcess l;
        l.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policy(QStringLiteral("gvisor")), QStringLiteral("--workspace"), link, QStringLiteral("--"),
                                             QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo STARTED")});
        QVERIFY(l.waitForFinished(60000));
        QCOMPARE(l.exitCode(), 125);
        QVERIFY(!l.readAllStandardOutput().contains("STARTED"));
        QVERIFY2(l.readAllStandardError().contains("symbolic link"), "no reason given for the link");
    }

    // SIGTERM to osctl ends the session within 5 s and records it.
    void sigtermEndsTheSession()
    {
        QProcess p;
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--policy"),
                                             policy(QStringLiteral("container")), QStringLiteral("--"), QStringLiteral("sh"),
                                             QStringLiteral("-c"), QStringLiteral("trap '' TERM; echo started; while :; do sleep 1; done")});
        QVERIFY(waitForStarted(p));
        QElapsedTimer t;
        t.start();
        ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        const auto last = QJsonDocument::fromJson(sessionsJson().last().toUtf8()).object();
        QCOMPARE(last[QStringLiteral("exit_reason")].toString(), QStringLiteral("interrupted"));
    }

    void microVmWithoutItsKernelFailsClearly()
    {
        QTemporaryDir empty;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OSH_MICROVM_DIR"), empty.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("run"), QStringLiteral("--store"), store(), QStringLiteral("--isolation"),
                                             QStringLiteral("firecracker"), QStringLiteral("--policy"), policy(QStringLiteral("gvisor")),
                                             QStringLiteral("--"), QStringLiteral("true")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 125);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("guest kernel in ") + empty.path()), qPrintable(err));
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

    // The demo in a microVM: every decision the same as under gVisor (the
    // same events with the same decision, policy and layer; their order
    // varies with the tools' timing).
    void demoEnforcesTheSameInAMicroVm()
    {
        QMap<QString, QMap<QString, int>> decisions; // isolation -> "type tool decision policy layer" -> count
        for (const QString &isolation : {QStringLiteral("gvisor"), QStringLiteral("firecracker")}) {
            const QString db = m_dir.filePath(QStringLiteral("demo-%1.db").arg(isolation));
            QProcess p;
            p.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("demo"), QStringLiteral("--quiet"), QStringLiteral("--store"), db,
                                                 QStringLiteral("--isolation"), isolation});
            QVERIFY(p.waitForFinished(600000));
            QVERIFY2(p.exitCode() == 0, qPrintable(QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())));
            QProcess q;
            q.start(QStringLiteral(OSCTL_PATH), {QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--store"), db,
                                                 QStringLiteral("--format"), QStringLiteral("jsonl")});
            QVERIFY(q.waitForFinished(30000));
            for (const QByteArray &line : q.readAllStandardOutput().split('\n')) {
                const QJsonObject e = QJsonDocument::fromJson(line).object();
                if (e.value(QStringLiteral("decision")).toString().isEmpty())
                    continue;
                QStringList key;
                for (const char *field : {"type", "tool", "decision", "policy", "layer"})
                    key << e.value(QLatin1String(field)).toString();
                ++decisions[isolation][key.join(u' ')];
            }
        }
        QVERIFY(decisions[QStringLiteral("gvisor")].size() >= 10);
        QCOMPARE(decisions[QStringLiteral("firecracker")], decisions[QStringLiteral("gvisor")]);
    }
};

QTEST_GUILESS_MAIN(TstOsctlRun)
#include "tst_osctl_run.moc"
