// The file controller (openshell/file) against agent code that fights it:
// symbolic links swapped in while the controller works (read and write, for
// OSH_RACE_SECONDS, default 20), FIFOs, sockets, device nodes and /proc
// links in the workspace, files the sandbox's user may not read, hard links;
// and the path splitting that everything else stands on.

#include "engine/decisionengine.h"
#include "engine/sessionstate.h"
#include "gateway/beneath.h"
#include "gateway/gateway.h"
#include "gateway/processtoolrunner.h"
#include "model/policyvalidator.h"

#include "gatewaytestsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

namespace {

const char *kPolicy = R"yaml(version: 1
name: files
filesystem:
  workspace: /agent/workspace
  strict_path_validation: true
  rules:
    - {path: /agent/workspace, permissions: read-write, block_symlinks: false}
    - {path: /agent/workspace/keep/locked, permissions: read}
)yaml";

const QByteArray kCanary = "CANARY-7f3c9d-host-secret";
const QByteArray kInside = "workspace content";

// Waits for one controller operation's answer (always given, within its time limit).
FileOutcome await(const std::function<void(FileController::Done)> &operation)
{
    std::optional<FileOutcome> got;
    QEventLoop loop;
    operation([&](FileOutcome o) {
        got = std::move(o);
        loop.quit();
    });
    if (!got)
        loop.exec();
    return *got;
}

void handToSandboxUser(const QString &path)
{
    if (::geteuid() == 0)
        QVERIFY(::chown(QFile::encodeName(path).constData(), SandboxSpec::kSandboxUid, SandboxSpec::kSandboxGid) == 0);
}

} // namespace

class TstFileController : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SessionState> m_state;
    std::unique_ptr<ProcessToolRunner> m_runner;
    osh::test::CollectingSink m_audit;
    std::unique_ptr<Gateway> m_gateway;
    osh::test::GatewayClient m_client;

    QString workspace() const { return m_dir.filePath(QStringLiteral("ws")); }

    QJsonObject file(const QString &op, const QString &path, const QString &content = {})
    {
        QJsonObject params{{QStringLiteral("operation"), op}, {QStringLiteral("path"), path}};
        if (!content.isNull())
            params.insert(QStringLiteral("content"), content);
        return m_client.call(QStringLiteral("openshell/file"), params)[QStringLiteral("result")].toObject();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(workspace()));
        handToSandboxUser(workspace());
        ValidationOptions opt;
        opt.checkFiles = false;
        auto loaded = PolicyValidator::checkText(kPolicy, "files.policy.yaml", opt);
        QVERIFY(loaded.document && !hasErrors(loaded.diagnostics));
        m_state = std::make_unique<SessionState>("files-session");
        m_runner = std::make_unique<ProcessToolRunner>(m_dir.path());
        m_audit.events.clear();
        Gateway::Options o;
        o.sessionId = "files-session";
        o.paths = {{"/agent/workspace", workspace()}};
        o.fileTimeoutMs = 3000;
        m_gateway = std::make_unique<Gateway>(std::make_shared<DecisionEngine>(loaded.document), m_state.get(),
                                              m_runner.get(), &m_audit, nullptr, o);
        QString err;
        QVERIFY2(m_gateway->listen(m_dir.filePath(QStringLiteral("gw.sock")), &err), qPrintable(err));
        m_client.socket.connectToServer(m_dir.filePath(QStringLiteral("gw.sock")));
        QVERIFY(m_client.socket.waitForConnected(2000));
    }

    void cleanup()
    {
        m_client.socket.disconnectFromServer();
        m_gateway.reset();
        QDir(workspace()).removeRecursively();
    }

    void components_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("count"); // -1: refused
        QTest::newRow("folder itself") << QString() << 0;
        QTest::newRow("one") << QStringLiteral("a.txt") << 1;
        QTest::newRow("nested") << QStringLiteral("a/b/c.txt") << 3;
        QTest::newRow("dot-dot") << QStringLiteral("a/../b") << -1;
        QTest::newRow("dot") << QStringLiteral("./a") << -1;
        QTest::newRow("empty component") << QStringLiteral("a//b") << -1;
        QTest::newRow("leading slash") << QStringLiteral("/a") << -1;
        QTest::newRow("trailing slash") << QStringLiteral("a/") << -1;
        QTest::newRow("name too long") << QString(300, QLatin1Char('x')) << -1;
        QTest::newRow("path too long") << QStringLiteral("ab/").repeated(1500) + QStringLiteral("c") << -1;
    }
    void components()
    {
        QFETCH(QString, path);
        QFETCH(int, count);
        const auto parts = beneath::components(path.toStdString());
        QCOMPARE(parts ? static_cast<int>(parts->size()) : -1, count);
        QVERIFY(!beneath::components(std::string("a\0b", 3)));
    }

    void specialFilesAreRefusedQuickly_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("fifo") << QStringLiteral("fifo");
        QTest::newRow("socket") << QStringLiteral("socket");
        QTest::newRow("device") << QStringLiteral("device");
        QTest::newRow("proc link") << QStringLiteral("proc");
        QTest::newRow("proc root link") << QStringLiteral("procroot");
    }
    void specialFilesAreRefusedQuickly()
    {
        QFETCH(QString, kind);
        const QByteArray path = QFile::encodeName(workspace() + QStringLiteral("/special"));
        int sock = -1;
        if (kind == QLatin1StringView("fifo")) {
            QVERIFY(::mkfifo(path.constData(), 0666) == 0);
        } else if (kind == QLatin1StringView("socket")) {
            sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::strncpy(a.sun_path, path.constData(), sizeof a.sun_path - 1);
            QVERIFY(::bind(sock, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0);
            QVERIFY(::listen(sock, 1) == 0);
        } else if (kind == QLatin1StringView("device")) {
            if (::geteuid() != 0)
                QSKIP("creating a device node needs root");
            QVERIFY(::mknod(path.constData(), S_IFCHR | 0666, makedev(1, 5)) == 0); // like /dev/zero
        } else if (kind == QLatin1StringView("proc")) {
            QVERIFY(::symlink("/proc/self/environ", path.constData()) == 0);
        } else {
            QVERIFY(::symlink("/proc/self/root/etc/hostname", path.constData()) == 0);
        }
        for (const char *op : {"read", "write"}) {
            QElapsedTimer t;
            t.start();
            const auto r = file(QString::fromLatin1(op), QStringLiteral("/agent/workspace/special"), QStringLiteral("x"));
            QVERIFY2(!r[QStringLiteral("ok")].toBool(), op);
            QVERIFY(!r.contains(QStringLiteral("content")));
            QVERIFY2(t.elapsed() < 1000, qPrintable(QStringLiteral("%1 took %2 ms").arg(QLatin1String(op)).arg(t.elapsed())));
        }
        // The gateway still answers, and the special file is unchanged.
        QVERIFY(m_client.call(QStringLiteral("ping")).contains(QStringLiteral("result")));
        struct stat st{};
        QVERIFY(::lstat(path.constData(), &st) == 0);
        QVERIFY(!S_ISREG(st.st_mode));
        if (sock >= 0)
            ::close(sock);
    }

    void operationsRunAsTheSandboxUser()
    {
        if (::geteuid() != 0)
            QSKIP("the identity switch is only made when running as root");
        // A root-only file inside the workspace: root could read it, the
        // sandbox's user cannot, and neither can the controller.
        QFile secret(workspace() + QStringLiteral("/root-only.txt"));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write(kCanary);
        secret.close();
        QVERIFY(::chmod(QFile::encodeName(secret.fileName()).constData(), 0600) == 0);
        const auto r = file(QStringLiteral("read"), QStringLiteral("/agent/workspace/root-only.txt"));
        QVERIFY(!r[QStringLiteral("ok")].toBool());
        QVERIFY2(r[QStringLiteral("message")].toString().contains(QStringLiteral("permission denied")),
                 qPrintable(r[QStringLiteral("message")].toString()));
        // What the controller creates belongs to the sandbox's user.
        QVERIFY(file(QStringLiteral("write"), QStringLiteral("/agent/workspace/made/by/agent.txt"), QStringLiteral("hi"))[QStringLiteral("ok")].toBool());
        struct stat st{};
        QVERIFY(::stat(QFile::encodeName(workspace() + QStringLiteral("/made/by/agent.txt")).constData(), &st) == 0);
        QCOMPARE(static_cast<int>(st.st_uid), SandboxSpec::kSandboxUid);
        QVERIFY(::stat(QFile::encodeName(workspace() + QStringLiteral("/made")).constData(), &st) == 0);
        QCOMPARE(static_cast<int>(st.st_uid), SandboxSpec::kSandboxUid);
        // The record says what was opened.
        bool recorded = false;
        for (const auto &e : m_audit.events)
            recorded = recorded || (e.type == "file_result" && e.parameters.find("\"inode\"") != std::string::npos);
        QVERIFY(recorded);
    }

    // The controller acts as whichever identity the session runs as (the
    // owner of a user's workspace): that user's private file is readable to
    // it, another user's is not, and what it creates belongs to that user.
    void operationsRunAsTheSessionIdentity()
    {
        if (::geteuid() != 0)
            QSKIP("the identity switch is only made when running as root");
        constexpr uid_t user = 1234;
        const QString ws = m_dir.filePath(QStringLiteral("user-ws"));
        QVERIFY(QDir().mkpath(ws));
        QVERIFY(::chown(QFile::encodeName(ws).constData(), user, user) == 0);
        for (const auto &[name, owner] : {std::pair{"mine.txt", user}, std::pair{"theirs.txt", uid_t(4321)}}) {
            QFile f(ws + QLatin1Char('/') + QLatin1String(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(owner == user ? kInside : kCanary);
            f.close();
            QVERIFY(::chown(QFile::encodeName(f.fileName()).constData(), owner, owner) == 0);
            QVERIFY(::chmod(QFile::encodeName(f.fileName()).constData(), 0600) == 0);
        }
        FileController fc({{{"/agent/workspace", ws}}, user, user, 3000});
        QString err;
        QVERIFY2(fc.start(&err), qPrintable(err));
        const auto at = [&](const char *path) { return *fc.target(path); };
        FileOutcome o = await([&](FileController::Done d) { fc.read(at("/agent/workspace/mine.txt"), 1024, std::move(d)); });
        QVERIFY2(o.ok, o.error.message.c_str());
        QCOMPARE(QByteArray::fromStdString(o.content), kInside);
        o = await([&](FileController::Done d) { fc.read(at("/agent/workspace/theirs.txt"), 1024, std::move(d)); });
        QVERIFY(!o.ok);
        QVERIFY(o.content.empty());
        o = await([&](FileController::Done d) { fc.write(at("/agent/workspace/new/made.txt"), "hi", false, std::move(d)); });
        QVERIFY2(o.ok, o.error.message.c_str());
        for (const char *made : {"/new", "/new/made.txt"}) {
            struct stat st{};
            QVERIFY(::stat(QFile::encodeName(ws + QLatin1String(made)).constData(), &st) == 0);
            QCOMPARE(st.st_uid, user);
            QCOMPARE(st.st_gid, gid_t(user));
        }
        QDir(ws).removeRecursively();
    }

    void hardLinkedFilesAreNotWritten()
    {
        const QString a = workspace() + QStringLiteral("/a.txt");
        QFile f(a);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kInside);
        f.close();
        handToSandboxUser(a);
        QVERIFY(::link(QFile::encodeName(a).constData(), QFile::encodeName(workspace() + QStringLiteral("/b.txt")).constData()) == 0);
        const auto r = file(QStringLiteral("write"), QStringLiteral("/agent/workspace/b.txt"), QStringLiteral("changed"));
        QVERIFY(!r[QStringLiteral("ok")].toBool());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), kInside);
    }

    void workerHoldsNoCapabilities()
    {
        if (::geteuid() != 0)
            QSKIP("capabilities are only dropped when running as root");
        // The worker thread, by name: no capability left in any set.
        bool found = false;
        for (const QString &tid : QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(tid));
            if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != "osh-files")
                continue;
            found = true;
            QFile status(QStringLiteral("/proc/self/task/%1/status").arg(tid));
            QVERIFY(status.open(QIODevice::ReadOnly));
            const QByteArray text = status.readAll();
            for (const char *set : {"CapEff:\t", "CapPrm:\t"}) {
                const qsizetype at = text.indexOf(set);
                QVERIFY(at >= 0);
                QCOMPARE(text.mid(at + qsizetype(std::strlen(set)), 16), QByteArray("0000000000000000"));
            }
            // The file-system identity is the sandbox's user.
            QVERIFY(text.contains(QByteArray(QByteArray("\nUid:\t0\t0\t0\t") + QByteArray::number(SandboxSpec::kSandboxUid))));
        }
        QVERIFY(found);
    }

    void deleteNeverRemovesAProtectedFolder()
    {
        // keep/locked is read-only by rule; deleting its parent (allowed by
        // the workspace rule) must not take it along.
        QVERIFY(QDir().mkpath(workspace() + QStringLiteral("/keep/locked")));
        QFile f(workspace() + QStringLiteral("/keep/locked/data.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kInside);
        f.close();
        for (const QString &d : {QStringLiteral("/keep"), QStringLiteral("/keep/locked"), QStringLiteral("/keep/locked/data.txt")})
            handToSandboxUser(workspace() + d);
        const auto r = file(QStringLiteral("delete"), QStringLiteral("/agent/workspace/keep"));
        QVERIFY(!r[QStringLiteral("ok")].toBool());
        QVERIFY2(r[QStringLiteral("message")].toString().contains(QStringLiteral("/agent/workspace/keep/locked")),
                 qPrintable(r[QStringLiteral("message")].toString()));
        QVERIFY(f.exists());
        QVERIFY(!file(QStringLiteral("delete"), QStringLiteral("/agent/workspace/keep/locked/data.txt"))[QStringLiteral("ok")].toBool());
        QVERIFY(f.exists());
    }

    void removeFileOnlyRemovesWhatWasExamined()
    {
        // The guard examines, then removes: a name swapped for a folder or
        // for another file meanwhile is left alone.
        const QString ws = workspace();
        QFile a(ws + QStringLiteral("/big.txt"));
        QVERIFY(a.open(QIODevice::WriteOnly));
        a.close();
        struct stat st{};
        QVERIFY(::lstat(QFile::encodeName(a.fileName()).constData(), &st) == 0);
        beneath::Opened examined;
        examined.dev = st.st_dev;
        examined.ino = st.st_ino;
        beneath::Fd root = beneath::openRoot(QFile::encodeName(ws).toStdString(), nullptr);
        QVERIFY(root.valid());
        QVERIFY(QFile::remove(a.fileName()));
        QVERIFY(QDir().mkpath(ws + QStringLiteral("/big.txt/inside")));
        beneath::Error e;
        QVERIFY(!beneath::removeFile(root.get(), "big.txt", examined, &e));
        QVERIFY(QFileInfo::exists(ws + QStringLiteral("/big.txt/inside")));
        QVERIFY(QDir(ws + QStringLiteral("/big.txt")).removeRecursively());
        QVERIFY(a.open(QIODevice::WriteOnly)); // same name, another inode (most likely)
        a.close();
        QVERIFY(::lstat(QFile::encodeName(a.fileName()).constData(), &st) == 0);
        if (st.st_ino != examined.ino)
            QVERIFY(!beneath::removeFile(root.get(), "big.txt", examined, &e));
        examined.ino = st.st_ino;
        QVERIFY(beneath::removeFile(root.get(), "big.txt", examined, &e));
        QVERIFY(!a.exists());
    }

    // Agent code swaps a workspace file for a link to a host file, and a
    // workspace folder for a link to a host folder, as fast as it can,
    // while the controller reads and writes there.
    void symlinkSwapRace()
    {
        const int seconds = qEnvironmentVariableIsSet("OSH_RACE_SECONDS") ? qEnvironmentVariableIntValue("OSH_RACE_SECONDS") : 20;
        // Targets readable and writable by anyone: only the controller's
        // refusal to follow links keeps them out of reach.
        const QString host = m_dir.filePath(QStringLiteral("host"));
        QVERIFY(QDir().mkpath(host + QStringLiteral("/victim")));
        QVERIFY(::chmod(QFile::encodeName(host).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(host + QStringLiteral("/victim")).constData(), 0777) == 0);
        QVERIFY(::chmod(QFile::encodeName(m_dir.path()).constData(), 0755) == 0);
        QFile canary(host + QStringLiteral("/canary.txt"));
        QVERIFY(canary.open(QIODevice::WriteOnly));
        canary.write(kCanary);
        canary.close();
        QVERIFY(::chmod(QFile::encodeName(canary.fileName()).constData(), 0644) == 0);

        const QByteArray ws = QFile::encodeName(workspace());
        std::atomic<bool> stop{false};
        // f.txt and d swap places with a link (atomically, RENAME_EXCHANGE)
        // as fast as the racer can: at any instant each is either the real
        // thing or a link to the host.
        const std::string f = ws.toStdString() + "/f.txt", d = ws.toStdString() + "/d";
        const std::string fLink = f + ".swap", dLink = d + ".swap";
        {
            QFile inside(QString::fromStdString(f));
            QVERIFY(inside.open(QIODevice::WriteOnly));
            inside.write(kInside);
            inside.close();
            handToSandboxUser(inside.fileName());
            QVERIFY(QDir().mkpath(QString::fromStdString(d)));
            handToSandboxUser(QString::fromStdString(d));
            QVERIFY(::symlink(QFile::encodeName(canary.fileName()).constData(), fLink.c_str()) == 0);
            QVERIFY(::symlink(QFile::encodeName(host + QStringLiteral("/victim")).constData(), dLink.c_str()) == 0);
        }
        std::thread racer([&] {
            while (!stop.load()) {
                ::renameat2(AT_FDCWD, fLink.c_str(), AT_FDCWD, f.c_str(), RENAME_EXCHANGE);
                ::renameat2(AT_FDCWD, dLink.c_str(), AT_FDCWD, d.c_str(), RENAME_EXCHANGE);
            }
        });
        int reads = 0, readOk = 0, writes = 0, writeOk = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < seconds * 1000) {
            const auto r = file(QStringLiteral("read"), QStringLiteral("/agent/workspace/f.txt"));
            ++reads;
            const QString content = r[QStringLiteral("content")].toString();
            if (content.contains(QLatin1StringView(kCanary)) || r[QStringLiteral("encoding")].toString() == QLatin1StringView("base64")) {
                stop = true;
                racer.join();
                QFAIL("the controller read the host file through a swapped link");
            }
            readOk += r[QStringLiteral("ok")].toBool();
            const auto w = file(QStringLiteral("write"), QStringLiteral("/agent/workspace/d/planted-%1.txt").arg(writes), QStringLiteral("x"));
            ++writes;
            writeOk += w[QStringLiteral("ok")].toBool();
        }
        stop = true;
        racer.join();
        QVERIFY2(QDir(host + QStringLiteral("/victim")).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 "the controller wrote into the host folder through a swapped link");
        QFile check(canary.fileName());
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), kCanary);
        qInfo("%d reads (%d read the workspace file), %d writes (%d landed in the workspace) in %d s", reads, readOk, writes,
              writeOk, seconds);
        // Both sides of the race were exercised.
        QVERIFY(readOk > 0 && readOk < reads);
        QVERIFY(writeOk > 0 && writeOk < writes);
        QVERIFY(m_client.call(QStringLiteral("ping")).contains(QStringLiteral("result")));
    }
};

QTEST_GUILESS_MAIN(TstFileController)
#include "tst_filecontroller.moc"
