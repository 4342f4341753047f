// Inside each isolation mode: the container's system-call filter beside
// gVisor's answers to the same probes, what the command holds (capabilities,
// identity, no_new_privs), what it cannot reach (the init, its status, the
// bundle's configuration, the host's keyrings), the fixed ids the host must
// leave free, and the ordinary tools that must keep working. Needs root.

#include "sandboxtestutil.h"

#include <QLocalServer>
#include <QMap>
#include <QDirIterator>
#include <QProcess>
#include <QProcessEnvironment>

#include "sandbox/sandboxmicrovm.h"

#include <csignal>
#include <sys/stat.h>

using namespace osh;
using namespace osh::runtime;
using namespace osh::runtime::test;

class TstSandboxIsolation : public SandboxTest
{
    Q_OBJECT

    QMap<QString, QMap<QString, QString>> m_probes; // isolation -> probe -> result

private Q_SLOTS:
    void initTestCase() { requireRuntimes(); }

    void keyringsAreNotShared_data() { modes(); }
    void keyringsAreNotShared()
    {
        // One session adds a key to the sandbox user's keyring; a later
        // session of the same user must not find it.
        const QString desc = qs("osh-test-%1").arg(::getpid());
        const QString add = qs("import ctypes\n"
                               "libc = ctypes.CDLL(None, use_errno=True)\n"
                               "r = libc.syscall(248, b'user', b'%1', b'secret', 6, -4)\n" // add_key, @u
                               "print('added' if r > 0 else 'refused %d' % ctypes.get_errno())\n").arg(desc);
        const RunResult first = run(spec(py(add)));
        QCOMPARE(first.exit.exitCode, 0);
        QFETCH(int, isolation);
        if (static_cast<Isolation>(isolation) == Isolation::Container)
            QVERIFY2(first.out.contains("refused 1"), first.out.constData()); // EPERM from the filter
        const QString find = qs("import ctypes\n"
                                "libc = ctypes.CDLL(None, use_errno=True)\n"
                                "r = libc.syscall(250, 10, -4, b'user', b'%1', 0)\n" // keyctl(KEYCTL_SEARCH, @u)
                                "print('found' if r > 0 else 'absent')\n").arg(desc);
        const RunResult second = run(spec(py(find)));
        QCOMPARE(second.exit.exitCode, 0);
        QVERIFY2(second.out.contains("absent"), qPrintable(QString::fromUtf8(first.out + second.out)));
    }

    // The container filter's groups (runtime/sandbox/init/syscallfilter.h),
    // one probe each, inside the sandbox. In a container the filter refuses
    // them; gVisor's own kernel answers them, and the table records how
    // (its kernel is the boundary there, not the host's).
    void syscallGroups_data()
    {
        QTest::addColumn<int>("isolation");
        QTest::addColumn<QString>("probe");
        QTest::addColumn<QString>("expected");
        const QList<std::tuple<const char *, const char *, const char *>> table = {
            // probe, container, gvisor
            {"unshare-user", "EPERM", "ok"}, {"unshare-mount", "EPERM", "ok"}, {"clone-user", "EPERM", "ok"},
            {"clone3", "ENOSYS", "ENOSYS"}, {"setns", "EPERM", "EOPNOTSUPP"}, {"keyctl", "EPERM", "EACCES"},
            {"add_key", "EPERM", "EACCES"}, {"request_key", "EPERM", "EACCES"}, {"bpf", "EPERM", "EPERM"},
            {"perf_event_open", "EPERM", "ENODEV"}, {"io_uring_setup", "EPERM", "EINVAL"}, {"io_uring_enter", "EPERM", "EPERM"},
            {"userfaultfd", "EPERM", "ENOSYS"}, {"ptrace", "EPERM", "ESRCH"}, {"process_vm_readv", "EPERM", "ENOSYS"},
            {"process_vm_writev", "EPERM", "ENOSYS"}, {"kcmp", "EPERM", "EPERM"}, {"name_to_handle_at", "EPERM", "EOPNOTSUPP"},
            {"open_by_handle_at", "EPERM", "EOPNOTSUPP"}, {"mount", "EPERM", "EPERM"}, {"umount2", "EPERM", "EPERM"},
            {"pivot_root", "EPERM", "EPERM"}, {"fsopen", "EPERM", "ENOSYS"}, {"open_tree", "EPERM", "ENOSYS"},
            {"move_mount", "EPERM", "ENOSYS"}, {"kexec_load", "EPERM", "EPERM"}, {"finit_module", "EPERM", "EPERM"},
            {"delete_module", "EPERM", "EPERM"}, {"reboot", "EPERM", "EPERM"}, {"swapon", "EPERM", "EPERM"},
            {"acct", "EPERM", "EPERM"}, {"quotactl", "EPERM", "EPERM"}, {"clock_settime", "EPERM", "EPERM"},
            {"adjtimex", "EPERM", "EPERM"}, {"syslog", "EPERM", "ENOSYS"}, {"personality-exec", "EPERM", "EINVAL"},
            {"personality-aslr", "EPERM", "EINVAL"}, {"socket-packet", "EPERM", "EPERM"}, {"socket-vsock", "EPERM", "EAFNOSUPPORT"},
            {"socket-alg", "EPERM", "EAFNOSUPPORT"}, {"socket-netlink-audit", "EPERM", "EPROTONOSUPPORT"},
            {"socket-high-bits", "EPERM", "ok"}, {"x32", "SIGSYS", "ENOSYS"},
            {"unshare-net", "EPERM", "EPERM"}, {"unshare-pid", "EPERM", "EPERM"}, {"set_mempolicy", "EPERM", "EINVAL"},
            {"mbind", "EPERM", "EINVAL"}, {"get_mempolicy", "EPERM", "EINVAL"}, {"fanotify_init", "EPERM", "ENOSYS"},
            {"modify_ldt", "EPERM", "EPERM"}, {"socket-mptcp", "EPERM", "EINVAL"}, {"socket-sctp", "EPERM", "EINVAL"},
            {"socketpair-netlink-audit", "EPERM", "EOPNOTSUPP"}, {"unreviewed-451", "ENOSYS", "ENOSYS"},
            {"allowed-socket-tcp", "ok", "ok"}, {"allowed-socket-udp6", "ok", "ok"}, {"allowed-socketpair-unix", "ok", "ok"},
            {"allowed-fork", "ok", "ok"}, {"allowed-socket-inet", "ok", "ok"}, {"allowed-socket-inet6", "ok", "ok"},
            {"allowed-socket-unix", "ok", "ok"}, {"allowed-netlink-route", "ok", "ok"}, {"allowed-personality-query", "ok", "EINVAL"},
            {"allowed-memfd", "ok", "ok"},
        };
        for (const auto &[probe, container, gvisor] : table) {
            QTest::addRow("container-%s", probe) << int(Isolation::Container) << qs(probe) << qs(container);
            QTest::addRow("gvisor-%s", probe) << int(Isolation::Gvisor) << qs(probe) << qs(gvisor);
            // The guest kernel behind the same filter: the container's answers.
            QTest::addRow("microvm-%s", probe) << int(Isolation::Firecracker) << qs(probe) << qs(container);
        }
    }
    void syscallGroups()
    {
        QFETCH(int, isolation);
        QFETCH(QString, probe);
        QFETCH(QString, expected);
        const QString key = QString::number(isolation);
        if (!m_probes.contains(key)) {
            // One sandbox per mode for the whole table.
            SandboxSpec s = spec({qs("/opt/osh-syscall-probe")});
            s.mounts.append({qs(OSH_SYSCALL_PROBE), qs("/opt/osh-syscall-probe"), true});
            const RunResult r = run(s);
            QCOMPARE(r.exit.exitCode, 0);
            for (const QByteArray &line : r.out.split('\n'))
                if (const QList<QByteArray> f = line.split(' '); f.size() == 2)
                    m_probes[key].insert(QString::fromLatin1(f[0]), QString::fromLatin1(f[1]));
        }
        QCOMPARE(m_probes[key].value(probe), expected);
    }

    // Every call of every refused group, with -1 for each argument.
    void containerRefusesEveryListedCall_data()
    {
        QTest::addColumn<int>("isolation");
        QTest::newRow("container") << int(Isolation::Container);
        QTest::newRow("microvm") << int(Isolation::Firecracker);
    }
    void containerRefusesEveryListedCall()
    {
        SandboxSpec s = spec({qs("/opt/osh-syscall-probe"), qs("--each-refused")});
        s.mounts.append({qs(OSH_SYSCALL_PROBE), qs("/opt/osh-syscall-probe"), true});
        const RunResult r = run(s);
        QCOMPARE(r.exit.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QVERIFY(lines.size() > 50);
        for (const QByteArray &line : lines)
            QVERIFY2(line.endsWith(" EPERM"), line.constData());
    }

    void commandHoldsNoPrivilege_data() { modes(); }
    void commandHoldsNoPrivilege()
    {
        // No capability in any set, no_new_privs; in a container the filter
        // is on (Seccomp: 2) and root inside is the unprivileged 64099
        // outside, while the command's own id is itself on both sides.
        QFETCH(int, isolation);
        const bool container = static_cast<Isolation>(isolation) == Isolation::Container;
        SandboxSpec s = spec(sh(qs("grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status; cat /proc/self/uid_map; "
                                   "echo gid; cat /proc/self/gid_map")));
        s.uid = s.gid = 1234;
        const RunResult r = run(s);
        QCOMPARE(r.exit.exitCode, 0);
        for (const char *set : {"CapInh", "CapPrm", "CapEff", "CapBnd"})
            QVERIFY2(r.out.contains(QByteArray(QByteArray(set) + ":\t0000000000000000\n")), r.out.constData());
        if (container) { // gVisor's /proc shows neither line
            QVERIFY2(r.out.contains("CapAmb:\t0000000000000000\n"), r.out.constData());
            QVERIFY2(r.out.contains("NoNewPrivs:\t1\n"), r.out.constData());
            QVERIFY2(r.out.contains("Seccomp:\t2\n"), r.out.constData());
            const QString out = QString::fromUtf8(r.out).simplified();
            QVERIFY2(out.contains(qs("0 64099 1 1234 1234 1 gid 0 64099 1 1234 1234 1")), r.out.constData());
        }
    }

    // The command can neither signal the init nor learn anything from it
    // it does not have, nor reach its status folder, nor become root again.
    void commandCannotReachTheInit_data() { modes(); }
    void commandCannotReachTheInit()
    {
        const RunResult r = run(spec(sh(qs(
            "kill -9 1 2>/dev/null && echo killed-init; "
            // gVisor's /proc shows the init's environment, which is the
            // command's own; nothing more may be in it.
            "python3 -c \"import os; e = open('/proc/1/environ', 'rb').read().split(bytes(1)); "
            "mine = {k + b'=' + v for k, v in os.environb.items()}; "
            "print('init-env-extra', [x for x in e if x and x not in mine])\" 2>/dev/null | grep -v '\\[\\]'; "
            "ls /.osh/status >/dev/null 2>&1 && echo listed-status; "
            "echo x > /.osh/status/status 2>/dev/null && echo wrote-status; "
            "python3 -c 'import os; os.setuid(0)' 2>/dev/null && echo became-root; "
            "python3 -c 'import os; os.setgid(0)' 2>/dev/null && echo became-group-root; "
            "echo done"))));
        QCOMPARE(r.exit.exitCode, 0);
        QCOMPARE(r.out, QByteArray("done\n"));
    }

    // A host group holding one of the fixed ids stops the start, naming it.
    // The group exists only in a mount namespace of osctl's own (a copy of
    // /etc/group with the extra line bound over it), so sandboxes that
    // other tests start meanwhile never see it.
    void fixedIdsOfTheHostAreRefused_data()
    {
        QTest::addColumn<QString>("isolation");
        QTest::addColumn<int>("id");
        QTest::newRow("container root") << qs("container") << SandboxSpec::kSandboxRootUid;
        QTest::newRow("default identity, gvisor") << qs("gvisor") << SandboxSpec::kSandboxUid;
        QTest::newRow("default identity, container") << qs("container") << SandboxSpec::kSandboxUid;
        // A microVM's QEMU runs as that id.
        QTest::newRow("the VMM's id, microvm") << qs("firecracker") << SandboxSpec::kSandboxRootUid;
    }
    void fixedIdsOfTheHostAreRefused()
    {
        QFETCH(QString, isolation);
        QFETCH(int, id);
        const QString name = qs("osh-probe-%1").arg(::getpid());
        const QString dir = m_tmp.path() + qs("/fixed-id-") + QString::number(++m_counter);
        QVERIFY(QDir().mkpath(dir));
        QFile hostGroups(qs("/etc/group"));
        QVERIFY(hostGroups.open(QIODevice::ReadOnly));
        QFile groups(dir + qs("/group"));
        QVERIFY(groups.open(QIODevice::WriteOnly));
        groups.write(hostGroups.readAll() + QStringLiteral("%1:x:%2:\n").arg(name).arg(id).toUtf8());
        groups.close();
        QFile policy(dir + qs("/p.policy.yaml"));
        QVERIFY(policy.open(QIODevice::WriteOnly));
        policy.write(QStringLiteral("version: 1\nname: ids\nsandbox:\n  isolation: %1\n  max_execution_time_seconds: 30\n")
                         .arg(isolation)
                         .toUtf8());
        policy.close();
        QProcess p;
        p.start(qs("unshare"), {qs("--mount"), qs("sh"), qs("-c"), qs("mount --bind \"$0\" /etc/group && exec \"$@\""),
                                 groups.fileName(), qs(OSCTL_PATH), qs("run"), qs("--store"), dir + qs("/audit.db"), qs("--policy"),
                                 policy.fileName(), qs("--"), qs("sh"), qs("-c"), qs("echo ran")});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() != 0, qPrintable(out + err));
        QVERIFY(!out.contains(qs("ran")));
        QVERIFY2(err.contains(qs("could not start")) && err.contains(name) && err.contains(QString::number(id)), qPrintable(err));
        // Outside that namespace the group never existed.
        QFile again(qs("/etc/group"));
        QVERIFY(again.open(QIODevice::ReadOnly));
        QVERIFY(!again.readAll().contains(name.toUtf8()));
    }

    // config.json holds the policy's environment: root's alone, although
    // the container's root (64099) may pass through the bundle folder.
    void bundleKeepsTheConfigPrivate_data() { modes(); }
    void bundleKeepsTheConfigPrivate()
    {
        QFETCH(int, isolation);
        SandboxSpec s = spec(sh(qs("sleep 1")));
        s.env.append({qs("API_TOKEN"), qs("not-for-anyone-else")});
        QFile::Permissions config;
        uint owner = 1, group = 1;
        QFile::Permissions folder, vmConfig;
        uint vmConfigOwner = 1;
        const RunResult r = run(s, [&](Sandbox &sb) {
            const QFileInfo c(sb.bundleDir() + qs("/config.json"));
            config = c.permissions();
            const QFileInfo d(sb.bundleDir());
            folder = d.permissions();
            owner = d.ownerId();
            group = d.groupId();
            const QFileInfo v(sb.bundleDir() + qs("/vm/config"));
            vmConfig = v.permissions();
            vmConfigOwner = v.ownerId();
        });
        QCOMPARE(r.exit.exitCode, 0);
        const auto own = QFile::ReadOwner | QFile::WriteOwner;
        QCOMPARE(config & ~(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser), own);
        QCOMPARE(owner, 0u);
        if (static_cast<Isolation>(isolation) == Isolation::Container) {
            QCOMPARE(group, uint(SandboxSpec::kSandboxRootUid));
            QVERIFY(!(folder & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)));
        }
        // A microVM's bundle may be passed through (virtiofsd, as the guest
        // root's id of that VM, reaches the root there), never listed or
        // written; the guest reads its configuration (the environment in it)
        // as its root: that VM's own id alone, read-only.
        if (static_cast<Isolation>(isolation) == Isolation::Firecracker) {
            QVERIFY(!(folder & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther)));
            QCOMPARE(vmConfig & ~(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser), QFile::Permissions(QFile::ReadOwner));
            QVERIFY2(vmConfigOwner >= uint(SandboxMicroVm::kGuestRootBase), qPrintable(QString::number(vmConfigOwner)));
        }
    }

    // A microVM's host side: the launcher's sockets live in a folder only
    // root writes (their owner is given by path there), and no folder of the
    // bundle belongs to the VMM's id (64099), which QEMU runs as.
    void microVmSocketsAreRootsAlone_data()
    {
        QTest::addColumn<int>("isolation");
        QTest::newRow("microvm") << int(Isolation::Firecracker);
    }
    void microVmSocketsAreRootsAlone()
    {
        QStringList seen;
        const RunResult r = run(spec(sh(qs("sleep 1"))), [&](Sandbox &sb) {
            QDirIterator it(sb.bundleDir(), QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System | QDir::Hidden);
            while (it.hasNext()) {
                const QFileInfo f(it.next());
                if (f.isDir() && f.ownerId() == uint(SandboxSpec::kSandboxRootUid))
                    seen << qs("folder owned by 64099: ") + f.fileName();
            }
            const QFileInfo vhost(sb.bundleDir() + qs("/vhost"));
            if (vhost.ownerId() != 0 || (vhost.permissions() & (QFile::WriteGroup | QFile::WriteOther)))
                seen << qs("vhost is writable by others than root");
            QDirIterator sockets(vhost.filePath(), QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System);
            while (sockets.hasNext()) {
                const QFileInfo f(sockets.next());
                if (f.ownerId() != 0)
                    seen << qs("not root's: ") + f.fileName();
            }
        });
        QCOMPARE(r.exit.exitCode, 0);
        QVERIFY2(seen.isEmpty(), qPrintable(seen.join(u'\n')));
    }

    // A guest whose root the agent holds (here: its process 1 is the
    // agent's script) can still not reach the host: what it creates is owned
    // by an id of that VM's own (not the VMM's), loses set-id bits when the
    // session ends, and a FIFO in place of its status file does not hang the
    // launcher.
    void microVmGuestRootIsContained()
    {
        QTemporaryDir fake;
        const QString realDir = QFileInfo(Sandbox::initPath()).absolutePath();
        for (const char *helper : {"osh-vm-init", "osh-vm-fsd", "openshell-mcp"})
            QVERIFY(QFile::link(realDir + u'/' + QLatin1String(helper), fake.filePath(QLatin1String(helper))));
        QFile init(fake.filePath(qs("osh-sandbox-init")));
        QVERIFY(init.open(QIODevice::WriteOnly));
        init.write("#!/bin/sh\n"
                   "echo payload > /agent/workspace/setid\n"
                   "chmod 6755 /agent/workspace/setid\n"
                   "rm -f /.osh/status/status; mkfifo /.osh/status/status\n");
        init.close();
        init.setPermissions(init.permissions() | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
        const QString dir = m_tmp.path() + qs("/guest-root");
        QVERIFY(QDir().mkpath(dir));
        QFile policy(dir + qs("/p.policy.yaml"));
        QVERIFY(policy.open(QIODevice::WriteOnly));
        policy.write("version: 1\nname: guest-root\nsandbox:\n  isolation: firecracker\n  max_execution_time_seconds: 30\n"
                     "  cleanup_policy: preserve\n");
        policy.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(qs("OSH_SANDBOX_INIT"), init.fileName());
        p.setProcessEnvironment(env);
        p.start(qs(OSCTL_PATH), {qs("run"), qs("--store"), dir + qs("/audit.db"), qs("--policy"), policy.fileName(), qs("--"), qs("true")});
        const bool ended = p.waitForFinished(90000);
        if (!ended)
            p.kill();
        QVERIFY2(ended, "the launcher hung on the guest's status file");
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QDirIterator it(dir + qs("/runs"), {qs("setid")}, QDir::Files | QDir::System, QDirIterator::Subdirectories);
        QVERIFY2(it.hasNext(), qPrintable(err));
        const QFileInfo made(it.next());
        QVERIFY2(made.ownerId() >= uint(SandboxMicroVm::kGuestRootBase), qPrintable(QString::number(made.ownerId())));
        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(made.filePath()).constData(), &st), 0);
        QCOMPARE(st.st_mode & (S_ISUID | S_ISGID), 0u);
    }

    // The launcher killed outright takes its microVM with it: QEMU and
    // virtiofsd die with it, and they never had the launcher's environment.
    void microVmDiesWithTheLauncher()
    {
        const QString dir = m_tmp.path() + qs("/orphan");
        QVERIFY(QDir().mkpath(dir));
        QFile policy(dir + qs("/p.policy.yaml"));
        QVERIFY(policy.open(QIODevice::WriteOnly));
        policy.write("version: 1\nname: orphan\nsandbox:\n  isolation: firecracker\n  max_execution_time_seconds: 60\n");
        policy.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(qs("OSH_TEST_SECRET"), qs("launcher-only"));
        p.setProcessEnvironment(env);
        p.start(qs(OSCTL_PATH), {qs("run"), qs("--store"), dir + qs("/audit.db"), qs("--policy"), policy.fileName(), qs("--"),
                                 qs("sh"), qs("-c"), qs("echo up; sleep 50")});
        QVERIFY(p.waitForStarted());
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("session started") || p.state() != QProcess::Running,
                                 60000);
        QTest::qWait(1000);
        QList<int> helpers;
        QByteArray qemuEnv;
        for (const QString &pid : QDir(qs("/proc")).entryList(QDir::Dirs)) {
            QFile stat(qs("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            const QList<QByteArray> f = stat.readAll().split(')').last().trimmed().split(' ');
            if (f.size() > 1 && f[1].toLongLong() == p.processId()) {
                helpers << pid.toInt();
                QFile cmd(qs("/proc/%1/cmdline").arg(pid));
                if (cmd.open(QIODevice::ReadOnly) && cmd.readAll().contains("qemu-system")) {
                    QFile e(qs("/proc/%1/environ").arg(pid));
                    if (e.open(QIODevice::ReadOnly))
                        qemuEnv = e.readAll();
                }
            }
        }
        QVERIFY2(helpers.size() >= 2, "QEMU and osh-vm-fsd run under the launcher");
        QVERIFY(!qemuEnv.isEmpty());
        QVERIFY2(!qemuEnv.contains("OSH_TEST_SECRET"), qemuEnv.constData());
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished(5000);
        const auto alive = [&helpers] {
            int n = 0;
            for (const int pid : helpers)
                n += ::kill(pid, 0) == 0 ? 1 : 0;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(alive(), 0, 10000);
    }

    // The usual tools work under the filter and in the user namespace.
    void ordinaryToolsWork_data() { modes(); }
    void ordinaryToolsWork()
    {
        QFETCH(int, isolation);
        const bool container = static_cast<Isolation>(isolation) == Isolation::Container;
        QString script = qs("set -e; echo data > a.txt; python3 -c 'import subprocess,json; print(json.dumps([1]))'; "
                            "git init -q repo && cd repo && git -c user.email=a@b -c user.name=a commit -q --allow-empty -m m "
                            "&& git log --format=%s && cd ..; ");
        // coreutils' ls and stat use a statx flag this runsc rejects.
        if (container)
            script += qs("/usr/bin/ls a.txt; /usr/bin/sort a.txt; /usr/bin/wc -c < a.txt; /usr/bin/stat -c %U a.txt; ");
        script += qs("echo done");
        const RunResult r = run(spec(sh(script)));
        QVERIFY2(r.exit.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("[1]\nm\n"));
        if (container)
            QVERIFY2(r.out.contains("a.txt\ndata\n5\nagent\n"), r.out.constData());
        QVERIFY(r.out.endsWith("done\n"));
    }
};

QTEST_GUILESS_MAIN(TstSandboxIsolation)
#include "tst_sandboxisolation.moc"
