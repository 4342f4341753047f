#pragma once
// The system calls a command in container isolation may not make: the one
// list of the seccomp filter that osh-sandbox-init installs (with
// libseccomp) after its own setup and right before it runs the command.
// The filter is inherited by everything the command starts and cannot be
// removed or widened (no_new_privs is set first; a process can only add
// filters, and the strictest answer of all filters wins).
//
// How the filter decides, in order:
//   1. A call of another architecture (32-bit x86 through int 0x80, or the
//      x32 ABI) kills the process: the lists below name x86_64 calls, and
//      a compat entry point would get around them.
//   2. A call named in kRefused fails with EPERM.
//   3. A call with a rule in the conditional part below is allowed only with
//      the arguments it names; other arguments fail with EPERM.
//   4. clone3 fails with ENOSYS: its flags live in memory the filter cannot
//      read, so the namespace rule could not apply; the C library then falls
//      back to clone, whose flags it can.
//   5. Every other call up to kLastReviewedSyscall is allowed. A call with
//      a higher number fails with ENOSYS when libseccomp knows it (so the C
//      library falls back to an older call, as it does on an older kernel)
//      and with EPERM when it does not: a newer libseccomp never widens the
//      filter by itself. Raising kLastReviewedSyscall means looking at every
//      call in between first.
//
// To extend it: add the call's name to a group below (or a new group with a
// line saying why), rebuild, and add a probe to tests/runtime/syscallprobe.cpp
// so tst_syscallfilter and tst_sandboxisolation show it refused. A name
// libseccomp does not know stops the init before the command runs (nothing
// starts without the whole filter). docs/sandbox.md describes the groups for users.

#include <linux/sched.h>
#include <sys/personality.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

namespace osh::sandbox {

struct SyscallGroup
{
    const char *name;
    const char *why;
    const char *calls[16]; // null-terminated
};

// The highest x86_64 call number whose call was looked at for this list
// (set_mempolicy_home_node, Linux 5.17; everything up to Linux 6.1).
inline constexpr int kLastReviewedSyscall = 450;

// Refused outright, whatever the arguments.
inline constexpr SyscallGroup kRefused[] = {
    // Joining another process's namespaces leaves the sandbox's.
    {"namespaces", "setns joins namespaces outside the sandbox", {"setns", nullptr}},
    // The kernel's keyrings are not namespaced: a key one session adds is
    // found by the next session of the same uid, and keyctl is a frequent
    // source of kernel bugs. Nothing in a sandbox needs keys.
    {"keyrings", "keyrings are shared across sessions of a uid", {"keyctl", "add_key", "request_key", nullptr}},
    // Loading programs into the kernel: the largest kernel attack surface
    // an unprivileged process can reach.
    {"bpf", "loads programs into the host kernel", {"bpf", nullptr}},
    // Hardware counters and kernel tracing: side channels, and kernel bugs.
    {"perf", "performance counters are a side channel and a kernel attack surface", {"perf_event_open", nullptr}},
    // io_uring performs calls asynchronously in the kernel, out of the
    // filter's sight, and has had a long line of privilege escalations.
    {"io_uring", "runs calls the filter cannot see", {"io_uring_setup", "io_uring_enter", "io_uring_register", nullptr}},
    // Page-fault handling in user space makes kernel races easy to win.
    {"userfaultfd", "makes kernel races easy to win", {"userfaultfd", nullptr}},
    // Reading or writing other processes' memory, comparing their kernel
    // objects or taking their file descriptors.
    {"process-access", "reads or changes other processes",
     {"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", nullptr}},
    // File handles open files by inode number, past every path check (the
    // "shocker" container escape).
    {"file-handles", "opens files past path checks", {"name_to_handle_at", "open_by_handle_at", nullptr}},
    // The mount tables belong to the launcher; with the new mount API a
    // mount namespace could be rearranged or a file system exposed.
    {"mount", "changes what the sandbox sees of the file system",
     {"mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
      "mount_setattr", nullptr}},
    // Replacing the running kernel or loading code into it.
    {"kernel-code", "replaces or extends the host kernel",
     {"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", nullptr}},
    // Host-wide state no sandbox should touch.
    {"host-state", "changes the whole host",
     {"reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "sethostname", "setdomainname", "syslog",
      "vhangup", "iopl", "ioperm", nullptr}},
    // The clock is the host's (there is no time namespace here).
    {"clock", "sets the host's clock", {"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", nullptr}},
    // Obsolete calls kept by the kernel for old programs; nothing current
    // uses them, and they have had their share of bugs (modify_ldt: 16-bit
    // segments, for old DOS and Windows code).
    {"obsolete", "obsolete calls nothing current uses",
     {"uselib", "ustat", "sysfs", "_sysctl", "nfsservctl", "lookup_dcookie", "create_module", "get_kernel_syms",
      "query_module", "modify_ldt", nullptr}},
    // NUMA memory policy and page moves (Docker allows them only with
    // CAP_SYS_NICE): an unprivileged process has no use for them here.
    {"numa", "moves memory between NUMA nodes, other processes' too",
     {"move_pages", "migrate_pages", "mbind", "set_mempolicy", "get_mempolicy", "set_mempolicy_home_node", nullptr}},
    // Watching whole mounts and file systems (Docker allows it only with
    // CAP_SYS_ADMIN; unprivileged since Linux 5.13).
    {"fanotify", "watches whole file systems", {"fanotify_init", "fanotify_mark", nullptr}},
};

// Conditional: clone and unshare may not create namespaces (a new user
// namespace gives its creator every capability inside it, and with it
// the kernel code of mounts, netfilter and more). Any of these flags in
// the first argument fails with EPERM.
inline constexpr std::uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
    | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | 0x00000080 /* CLONE_NEWTIME */;

// Conditional: sockets (socket and socketpair) of these families only.
// Netlink is allowed for NETLINK_ROUTE alone (address and route queries:
// getaddrinfo, `ip addr`); packet, vsock, bluetooth, alg, key and the
// other families reach kernel code no agent needs.
// Inet sockets with the default, TCP, UDP or (unprivileged ping) ICMP
// protocol only: MPTCP, SCTP, L2TP, SMC and others are kernel code, some
// loaded as modules on first use, that no agent needs.
inline constexpr int kAllowedSocketFamilies[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
inline constexpr int kNetlinkRoute = 0; // NETLINK_ROUTE
inline constexpr int kAllowedInetProtocols[] = {0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};
inline constexpr int kAllowedInet6Protocols[] = {0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6};

// Conditional: personality may only select these execution domains (the
// ones Docker allows). The others turn off address-space randomisation,
// make data executable or map page zero, which help exploits.
inline constexpr std::uint64_t kAllowedPersonalities[] = {PER_LINUX, PER_LINUX32, UNAME26, std::uint64_t{UNAME26} | PER_LINUX32,
                                                          0xffffffff /* query */};

// Installs the filter in the calling thread (and so in everything it
// starts). Needs no_new_privs or CAP_SYS_ADMIN. Returns 0, or -1 with a
// message in error.
int installSyscallFilter(char *error, unsigned long errorSize);

} // namespace osh::sandbox
