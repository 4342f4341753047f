// The container filter (runtime/sandbox/init/syscallfilter.h) on the host:
// osh-syscall-probe tries one call per refused group in a child of its own,
// once without and once with the filter. As root every probe's arguments
// make the call fail harmlessly (or succeed harmlessly) without the filter,
// so a refusal with the filter is the filter's doing. tst_sandboxisolation runs the
// same probes inside each isolation mode.

#include "../../runtime/sandbox/init/syscallfilter.h"

#include <QMap>
#include <QProcess>
#include <QTest>

#include <unistd.h>

namespace {

QMap<QString, QString> probe(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(OSH_SYSCALL_PROBE), args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        qWarning("probe failed: %s", p.readAllStandardError().constData());
    QMap<QString, QString> out;
    for (const QByteArray &line : p.readAllStandardOutput().split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() == 2)
            out.insert(QString::fromLatin1(f[0]), QString::fromLatin1(f[1]));
    }
    return out;
}

} // namespace

class TstSyscallFilter : public QObject
{
    Q_OBJECT

    QMap<QString, QString> m_plain;
    QMap<QString, QString> m_filtered;

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("the probes show the filter's effect only as root (unprivileged, the kernel refuses many calls itself)");
        m_plain = probe({});
        m_filtered = probe({QStringLiteral("--filter")});
        QVERIFY(m_plain.size() > 40);
        QCOMPARE(m_filtered.keys(), m_plain.keys());
    }

    void refusedGroups_data()
    {
        QTest::addColumn<QString>("probe");
        QTest::addColumn<QString>("expected");
        for (const char *p : {"unshare-user", "unshare-mount", "clone-user", "setns", "keyctl", "add_key", "request_key", "bpf",
                              "perf_event_open", "io_uring_setup", "io_uring_enter", "userfaultfd", "ptrace", "process_vm_readv",
                              "process_vm_writev", "kcmp", "name_to_handle_at", "open_by_handle_at", "mount", "umount2",
                              "pivot_root", "fsopen", "open_tree", "move_mount", "kexec_load", "finit_module", "delete_module",
                              "reboot", "swapon", "acct", "quotactl", "clock_settime", "adjtimex", "syslog", "personality-exec",
                              "personality-aslr", "socket-packet", "socket-vsock", "socket-alg", "socket-netlink-audit",
                              "socket-high-bits", "unshare-net", "unshare-pid", "set_mempolicy", "mbind", "get_mempolicy",
                              "fanotify_init", "modify_ldt", "socket-mptcp", "socket-sctp", "socketpair-netlink-audit"})
            QTest::newRow(p) << QString::fromLatin1(p) << QStringLiteral("EPERM");
        // clone3's flags are out of the filter's sight: ENOSYS makes the C
        // library fall back to clone, whose flags it checks.
        QTest::newRow("clone3") << QStringLiteral("clone3") << QStringLiteral("ENOSYS");
        // A call above the reviewed list that libseccomp knows (cachestat):
        // ENOSYS, as on an older kernel, so the C library falls back.
        QTest::newRow("unreviewed-451") << QStringLiteral("unreviewed-451") << QStringLiteral("ENOSYS");
        // The x32 ABI (same architecture, other call numbers) kills.
        QTest::newRow("x32") << QStringLiteral("x32") << QStringLiteral("SIGSYS");
    }

    void refusedGroups()
    {
        QFETCH(QString, probe);
        QFETCH(QString, expected);
        QVERIFY2(m_filtered.contains(probe), qPrintable(probe));
        QCOMPARE(m_filtered.value(probe), expected);
        // Without the filter the same call is not refused so.
        QVERIFY2(m_plain.value(probe) != expected, qPrintable(probe + QStringLiteral(": ") + m_plain.value(probe)));
    }

    void compat32IsNeverAllowed()
    {
        // int 0x80: SIGSYS from the filter; on a kernel without 32-bit
        // emulation the entry point itself faults. Never a result.
        QVERIFY2(m_filtered.value(QStringLiteral("x86-32")) == u"SIGSYS" || m_filtered.value(QStringLiteral("x86-32")) == u"signal11",
                 qPrintable(m_filtered.value(QStringLiteral("x86-32"))));
    }

    void ordinaryCallsStayAllowed_data()
    {
        QTest::addColumn<QString>("probe");
        for (const QString &p : m_plain.keys())
            if (p.startsWith(u"allowed-"))
                QTest::newRow(qPrintable(p)) << p;
    }

    void ordinaryCallsStayAllowed()
    {
        QFETCH(QString, probe);
        QCOMPARE(m_plain.value(probe), QStringLiteral("ok"));
        QCOMPARE(m_filtered.value(probe), QStringLiteral("ok"));
    }

    void everyListedCallIsRefused()
    {
        // Every name of every group, with -1 for each argument.
        const QMap<QString, QString> each = probe({QStringLiteral("--filter"), QStringLiteral("--each-refused")});
        int listed = 0;
        for (const osh::sandbox::SyscallGroup &g : osh::sandbox::kRefused) {
            for (const char *const *n = g.calls; *n; ++n, ++listed)
                QVERIFY2(each.value(QString::fromLatin1(*n)) == u"EPERM",
                         qPrintable(QStringLiteral("%1 (%2): %3").arg(QString::fromLatin1(*n), QString::fromLatin1(g.name),
                                                                     each.value(QString::fromLatin1(*n)))));
        }
        QCOMPARE(each.size(), listed);
    }
};

QTEST_GUILESS_MAIN(TstSyscallFilter)
#include "tst_syscallfilter.moc"
