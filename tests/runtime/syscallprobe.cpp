// osh-syscall-probe: tries one system call per refused group of the
// container filter (runtime/sandbox/init/syscallfilter.h), and a few that
// must stay allowed, each in a child process of its own, and prints
//   NAME RESULT
// per probe, RESULT being "ok", an errno name (EPERM, ENOSYS, ...) or a
// signal name (SIGSYS). With --filter it installs the filter first (as the
// init does), so the filter is tested on the host too.
//
// Every probe passes arguments that make the call fail harmlessly when it
// is NOT refused (a bad descriptor, a missing path, an invalid command, a
// bad magic number), because tst_syscallfilter runs it as root on the host
// without the filter to show the results differ.

#include "../../runtime/sandbox/init/syscallfilter.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <string>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Probe
{
    const char *name;
    long (*call)();
};

long sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0)
{
    return syscall(nr, a, b, c, d, e, f);
}

long closeIfOpen(long fd)
{
    if (fd >= 0)
        close(static_cast<int>(fd));
    return fd < 0 ? -1 : 0;
}

// A 32-bit call through int 0x80 (getpid is 20 there).
long compat32()
{
    long r;
    asm volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
    if (r < 0) {
        errno = static_cast<int>(-r);
        return -1;
    }
    return 0;
}

const long kNoPid = 0x3ffffff0; // above pid_max: ESRCH when reached
const char *const kMissing = "/nonexistent-osh-probe";

const Probe kProbes[] = {
    // refused groups
    {"unshare-user", [] { return sys(SYS_unshare, CLONE_NEWUSER); }},
    {"unshare-mount", [] { return sys(SYS_unshare, CLONE_NEWNS); }},
    {"clone-user", [] {
         const long r = sys(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
         if (r == 0)
             _exit(0);
         if (r > 0)
             waitpid(static_cast<pid_t>(r), nullptr, 0);
         return r > 0 ? 0L : -1L;
     }},
    {"clone3", [] { return sys(SYS_clone3, 0, 0); }},
    {"setns", [] { return sys(SYS_setns, -1, 0); }},
    {"keyctl", [] { return sys(SYS_keyctl, KEYCTL_GET_KEYRING_ID, 0x7ffffff0, 0); }},
    {"add_key", [] { return sys(SYS_add_key, reinterpret_cast<long>("osh-no-such-type"), reinterpret_cast<long>("x"), 0, 0,
                                KEY_SPEC_PROCESS_KEYRING); }},
    {"request_key", [] { return sys(SYS_request_key, reinterpret_cast<long>("osh-no-such-type"), reinterpret_cast<long>("x"), 0, 0); }},
    {"bpf", [] { return sys(SYS_bpf, 9999, 0, 0); }},
    {"perf_event_open", [] { return sys(SYS_perf_event_open, 0, 0, -1, -1, 0); }},
    {"io_uring_setup", [] { return sys(SYS_io_uring_setup, 0, 0); }},
    {"io_uring_enter", [] { return sys(SYS_io_uring_enter, -1, 0, 0, 0, 0, 0); }},
    {"userfaultfd", [] { return sys(SYS_userfaultfd, ~0L); }},
    {"ptrace", [] { return sys(SYS_ptrace, PTRACE_ATTACH, kNoPid, 0, 0); }},
    {"process_vm_readv", [] { return sys(SYS_process_vm_readv, kNoPid, 0, 0, 0, 0, 0); }},
    {"process_vm_writev", [] { return sys(SYS_process_vm_writev, kNoPid, 0, 0, 0, 0, 0); }},
    {"kcmp", [] { return sys(SYS_kcmp, getpid(), getpid(), 99, 0, 0); }},
    {"name_to_handle_at", [] { return sys(SYS_name_to_handle_at, AT_FDCWD, reinterpret_cast<long>(kMissing), 0, 0, 0); }},
    {"open_by_handle_at", [] { return sys(SYS_open_by_handle_at, -1, 0, 0); }},
    {"mount", [] { return sys(SYS_mount, 0, reinterpret_cast<long>(kMissing), 0, 0, 0); }},
    {"umount2", [] { return sys(SYS_umount2, reinterpret_cast<long>(kMissing), 0); }},
    {"pivot_root", [] { return sys(SYS_pivot_root, reinterpret_cast<long>(kMissing), reinterpret_cast<long>(kMissing)); }},
    {"fsopen", [] { return sys(SYS_fsopen, reinterpret_cast<long>("osh-no-such-fs"), 0); }},
    {"open_tree", [] { return sys(SYS_open_tree, -1, reinterpret_cast<long>(kMissing), 0); }},
    {"move_mount", [] { return sys(SYS_move_mount, -1, 0, -1, 0, 0); }},
    {"kexec_load", [] { return sys(SYS_kexec_load, 0, 0, 0, 0xdead0000L); }},
    {"finit_module", [] { return sys(SYS_finit_module, -1, reinterpret_cast<long>(""), 0); }},
    {"delete_module", [] { return sys(SYS_delete_module, reinterpret_cast<long>("osh_no_such_module"), O_NONBLOCK); }},
    {"reboot", [] { return sys(SYS_reboot, 0, 0, 0, 0); }}, // bad magic: EINVAL when reached
    {"swapon", [] { return sys(SYS_swapon, reinterpret_cast<long>(kMissing), 0); }},
    {"acct", [] { return sys(SYS_acct, reinterpret_cast<long>(kMissing)); }},
    {"quotactl", [] { return sys(SYS_quotactl, 0, 0, 0, 0); }},
    {"clock_settime", [] { return sys(SYS_clock_settime, 9999, 0); }},
    {"adjtimex", [] { return sys(SYS_adjtimex, 0); }},
    {"syslog", [] { return sys(SYS_syslog, 9999, 0, 0); }},
    {"personality-exec", [] { return sys(SYS_personality, READ_IMPLIES_EXEC); }},
    {"personality-aslr", [] { return sys(SYS_personality, ADDR_NO_RANDOMIZE); }},
    {"socket-packet", [] { return closeIfOpen(sys(SYS_socket, AF_PACKET, SOCK_DGRAM, 0)); }},
    {"socket-vsock", [] { return closeIfOpen(sys(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0)); }},
    {"socket-alg", [] { return closeIfOpen(sys(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0)); }},
    {"socket-netlink-audit", [] { return closeIfOpen(sys(SYS_socket, AF_NETLINK, SOCK_RAW, 9 /* NETLINK_AUDIT */)); }},
    {"socket-high-bits", [] { return closeIfOpen(sys(SYS_socket, (1L << 32) | AF_INET, SOCK_STREAM, 0)); }},
    {"unshare-net", [] { return sys(SYS_unshare, CLONE_NEWNET); }},
    {"unshare-pid", [] { return sys(SYS_unshare, CLONE_NEWPID); }},
    {"set_mempolicy", [] { return sys(SYS_set_mempolicy, 9999, 0, 0); }},
    {"mbind", [] { return sys(SYS_mbind, 0, 0, 9999, 0, 0, 0); }},
    {"get_mempolicy", [] { return sys(SYS_get_mempolicy, 0, 0, 0, 0, ~0L); }},
    {"fanotify_init", [] { return closeIfOpen(sys(SYS_fanotify_init, ~0L, 0)); }},
    {"modify_ldt", [] { return sys(SYS_modify_ldt, 99, 0, 0); }},
    {"socket-mptcp", [] { return closeIfOpen(sys(SYS_socket, AF_INET, SOCK_STREAM, 262 /* IPPROTO_MPTCP */)); }},
    {"socket-sctp", [] { return closeIfOpen(sys(SYS_socket, AF_INET6, SOCK_STREAM, 132 /* IPPROTO_SCTP */)); }},
    {"socketpair-netlink-audit", [] { return sys(SYS_socketpair, AF_NETLINK, SOCK_RAW, 9, 0); }},
    // Newer than the reviewed list (cachestat, Linux 6.5): EBADF where the
    // kernel has it, when not refused.
    {"unreviewed-451", [] { return sys(451, -1, 0, 0, 0); }},
    {"x86-32", compat32},
    {"x32", [] { return sys(0x40000000 | SYS_getpid); }},
    // must stay allowed
    {"allowed-fork", [] {
         const pid_t p = fork();
         if (p == 0)
             _exit(0);
         return p > 0 && waitpid(p, nullptr, 0) == p ? 0L : -1L;
     }},
    {"allowed-socket-inet", [] { return closeIfOpen(sys(SYS_socket, AF_INET, SOCK_STREAM, 0)); }},
    {"allowed-socket-inet6", [] { return closeIfOpen(sys(SYS_socket, AF_INET6, SOCK_DGRAM, 0)); }},
    {"allowed-socket-tcp", [] { return closeIfOpen(sys(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_TCP)); }},
    {"allowed-socket-udp6", [] { return closeIfOpen(sys(SYS_socket, AF_INET6, SOCK_DGRAM, IPPROTO_UDP)); }},
    {"allowed-socketpair-unix", [] {
         int sv[2];
         if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
             return -1L;
         close(sv[0]);
         close(sv[1]);
         return 0L;
     }},
    {"allowed-socket-unix", [] { return closeIfOpen(sys(SYS_socket, AF_UNIX, SOCK_STREAM, 0)); }},
    {"allowed-netlink-route", [] { return closeIfOpen(sys(SYS_socket, AF_NETLINK, SOCK_RAW, 0)); }},
    {"allowed-personality-query", [] { return sys(SYS_personality, 0xffffffffL) < 0 ? -1L : 0L; }},
    {"allowed-memfd", [] { return closeIfOpen(sys(SYS_memfd_create, reinterpret_cast<long>("osh"), 0)); }},
};

std::string errnoName(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case ENODEV: return "ENODEV";
    case ENOKEY: return "ENOKEY";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOTDIR: return "ENOTDIR";
    case EBUSY: return "EBUSY";
    case ENOMEM: return "ENOMEM";
    case EEXIST: return "EEXIST";
    default: return "E" + std::to_string(e);
    }
}

// Runs one probe in a child of its own and prints its line.
int runProbe(const char *name, long (*call)(), bool filter)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 2;
    const pid_t child = fork();
    if (child < 0)
        return 2;
    if (child == 0) {
        close(fds[0]);
        setsid(); // no controlling terminal for vhangup and the like
        if (filter) {
            char err[256];
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if (osh::sandbox::installSyscallFilter(err, sizeof err) != 0) {
                std::fprintf(stderr, "%s\n", err);
                _exit(3);
            }
        }
        errno = 0;
        const long r = call();
        const std::string res = r < 0 ? errnoName(errno) : std::string("ok");
        const ssize_t n = write(fds[1], res.data(), res.size());
        _exit(n == static_cast<ssize_t>(res.size()) ? 0 : 4);
    }
    close(fds[1]);
    char buf[64] = {};
    const ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int st = 0;
    waitpid(child, &st, 0);
    std::string res;
    if (WIFSIGNALED(st))
        res = WTERMSIG(st) == SIGSYS ? "SIGSYS" : "signal" + std::to_string(WTERMSIG(st));
    else if (n > 0)
        res.assign(buf, static_cast<size_t>(n));
    else
        res = "exit" + std::to_string(WEXITSTATUS(st));
    std::printf("%s %s\n", name, res.c_str());
    std::fflush(stdout);
    return 0;
}

int t_nr = -1; // the call of the generic probe

} // namespace

//   osh-syscall-probe [--filter] [NAME]        the probes above (or one)
//   osh-syscall-probe [--filter] --each-refused
//       every call the filter refuses, with -1 for each argument; meant to
//       run only where the filter is installed (here with --filter, or
//       inside a container sandbox)
int main(int argc, char **argv)
{
    bool filter = false, eachRefused = false;
    const char *only = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--filter") == 0)
            filter = true;
        else if (std::strcmp(argv[i], "--each-refused") == 0)
            eachRefused = true;
        else
            only = argv[i];
    }
    if (eachRefused) {
        for (const osh::sandbox::SyscallGroup &g : osh::sandbox::kRefused) {
            for (const char *const *n = g.calls; *n; ++n) {
                t_nr = seccomp_syscall_resolve_name(*n);
                if (t_nr < 0) {
                    std::printf("%s unknown\n", *n);
                    continue;
                }
                runProbe(*n, [] { return sys(t_nr, -1, -1, -1, -1, -1, -1); }, filter);
            }
        }
        return 0;
    }
    for (const Probe &p : kProbes) {
        if (!only || std::strcmp(only, p.name) == 0)
            runProbe(p.name, p.call, filter);
    }
    return 0;
}
