// osh-sandbox-init: process 1 of every OpenShell sandbox (gVisor or crun).
// Static, libc only, because the sandbox root holds no libraries of its own
// besides the host's read-only /usr.
//
//   osh-sandbox-init [--status FILE] [--uid N] [--gid N] [--nproc N]
//                    [--nofile N] [--fsize BYTES] [--forward PORT=UNIXPATH]...
//                    [--seccomp] [--poweroff] -- CMD ARG...
//
// It listens on 127.0.0.1:PORT for each forward (the sandbox has no network,
// only its own loopback) and relays every connection to the bind-mounted host
// Unix socket; runs CMD as the unprivileged user with the process and file
// limits, without any capability (the bounding set emptied too), with
// no_new_privs and, with --seccomp, the system-call filter of
// syscallfilter.h; forwards SIGTERM/SIGINT/SIGHUP to CMD's process group; reaps
// orphans; and exits with CMD's status (128+N when CMD died of signal N).
// The status file (root-only, outside the agent's reach) records "started"
// once CMD is forked and "exit N" at the end, so the launcher can tell a
// runtime failure from a command failure. With --poweroff (process 1 of a
// microVM) it resets the VM at the end instead of exiting, which ends the VMM.

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscallfilter.h"

#include <memory>
#include <string>
#include <vector>

namespace {

struct Forward
{
    int port = 0;
    std::string path;
    int listenFd = -1;
};

// One direction of a relayed connection.
struct Pipe
{
    char buf[65536];
    size_t len = 0;
    size_t off = 0;
    bool srcEof = false;
    bool dstShut = false;
};

struct Conn
{
    int fd[2] = {-1, -1}; // 0: sandbox client, 1: host Unix socket
    Pipe dir[2];          // dir[i]: fd[i] -> fd[1 - i]
    bool failed = false;
    bool done() const { return failed || (dir[0].dstShut && dir[1].dstShut); }
};

void die(const char *what)
{
    std::fprintf(stderr, "osh-sandbox-init: %s: %s\n", what, std::strerror(errno));
    std::exit(125);
}

long parseNumber(const char *s, const char *what)
{
    char *end = nullptr;
    errno = 0;
    const long v = std::strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        std::fprintf(stderr, "osh-sandbox-init: bad %s: %s\n", what, s);
        std::exit(125);
    }
    return v;
}

int listenLoopback(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        die("bind 127.0.0.1");
    if (listen(fd, 64) != 0)
        die("listen");
    return fd;
}

// Relayed connections at a time (two descriptors each, within the init's
// RLIMIT_NOFILE of at least 1024).
constexpr std::size_t kMaxConns = 384;

int connectUnix(const std::string &path)
{
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path)
        return -1;
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Moves what can be moved in one direction without blocking.
void pump(Conn &c, int i, short srcEvents, short dstEvents)
{
    Pipe &p = c.dir[i];
    const int src = c.fd[i];
    const int dst = c.fd[1 - i];
    if (p.len == 0 && !p.srcEof && (srcEvents & (POLLIN | POLLHUP | POLLERR))) {
        const ssize_t n = read(src, p.buf, sizeof p.buf);
        if (n > 0) {
            p.len = static_cast<size_t>(n);
            p.off = 0;
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            p.srcEof = true;
        }
    }
    if (p.len > p.off && ((dstEvents & (POLLOUT | POLLERR | POLLHUP)) != 0 || p.off == 0)) {
        const ssize_t n = send(dst, p.buf + p.off, p.len - p.off, MSG_NOSIGNAL);
        if (n > 0) {
            p.off += static_cast<size_t>(n);
            if (p.off == p.len)
                p.len = p.off = 0;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            c.failed = true;
        }
    }
    if (p.srcEof && p.len == 0 && !p.dstShut) {
        shutdown(dst, SHUT_WR);
        p.dstShut = true;
    }
}

// The kernel's count of OOM kills (/proc/vmstat oom_kill), -1 when unknown.
long oomKills()
{
    const int fd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        text.append(buf, static_cast<size_t>(n));
    close(fd);
    const auto at = text.find("\noom_kill ");
    return at == std::string::npos ? -1 : std::strtol(text.c_str() + at + 10, nullptr, 10);
}

void writeStatus(int fd, const char *text)
{
    if (fd >= 0) {
        const ssize_t n = write(fd, text, std::strlen(text));
        (void)n;
        fsync(fd);
    }
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<Forward> forwards;
    const char *statusPath = nullptr;
    long uid = -1, gid = -1, nproc = -1, nofile = -1, fsize = -1;
    bool seccomp = false;
    bool powerOff = false;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a == "--seccomp") {
            seccomp = true;
            continue;
        }
        if (a == "--poweroff") {
            powerOff = true;
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "osh-sandbox-init: %s needs a value\n", argv[i]);
            return 125;
        }
        const char *v = argv[++i];
        if (a == "--status") {
            statusPath = v;
        } else if (a == "--uid") {
            uid = parseNumber(v, "uid");
        } else if (a == "--gid") {
            gid = parseNumber(v, "gid");
        } else if (a == "--nproc") {
            nproc = parseNumber(v, "nproc");
        } else if (a == "--nofile") {
            nofile = parseNumber(v, "nofile");
        } else if (a == "--fsize") {
            fsize = parseNumber(v, "fsize");
        } else if (a == "--forward") {
            const std::string s = v;
            const auto eq = s.find('=');
            if (eq == std::string::npos) {
                std::fprintf(stderr, "osh-sandbox-init: bad forward: %s\n", v);
                return 125;
            }
            const long port = parseNumber(s.substr(0, eq).c_str(), "port");
            if (port < 1 || port > 65535) {
                std::fprintf(stderr, "osh-sandbox-init: bad port: %s\n", v);
                return 125;
            }
            forwards.push_back({static_cast<int>(port), s.substr(eq + 1), -1});
        } else {
            std::fprintf(stderr, "osh-sandbox-init: unknown option %s\n", argv[i - 1]);
            return 125;
        }
    }
    if (i >= argc) {
        std::fprintf(stderr, "osh-sandbox-init: no command\n");
        return 125;
    }

    for (Forward &f : forwards)
        f.listenFd = listenLoopback(f.port);
    const int statusFd = statusPath ? open(statusPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    if (statusPath && statusFd < 0)
        die("open status file");

    sigset_t handled, previous;
    sigemptyset(&handled);
    for (const int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT})
        sigaddset(&handled, s);
    sigprocmask(SIG_BLOCK, &handled, &previous);
    const int sigFd = signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigFd < 0)
        die("signalfd");

    const pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &previous, nullptr);
        setsid(); // own process group, so signals and the final kill reach every descendant
        if (nofile >= 0) {
            const rlimit r{static_cast<rlim_t>(nofile), static_cast<rlim_t>(nofile)};
            if (setrlimit(RLIMIT_NOFILE, &r) != 0)
                die("setrlimit NOFILE");
        }
        if (nproc >= 0) {
            const rlimit r{static_cast<rlim_t>(nproc), static_cast<rlim_t>(nproc)};
            if (setrlimit(RLIMIT_NPROC, &r) != 0)
                die("setrlimit NPROC");
        }
        // The largest file the command may write: enforced by the kernel as
        // writes happen (EFBIG, or SIGXFSZ for programs that do not ignore it).
        if (fsize >= 0) {
            const rlimit r{static_cast<rlim_t>(fsize), static_cast<rlim_t>(fsize)};
            if (setrlimit(RLIMIT_FSIZE, &r) != 0)
                die("setrlimit FSIZE");
        }
        // No capability can come back: the bounding set is emptied (the
        // init holds CAP_SETPCAP for this), and the change of uid away from
        // 0 clears the permitted, effective and ambient sets.
        for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) {
            if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
                die("drop capability from the bounding set");
        }
        // No supplementary groups whenever the identity changes, --gid or not.
        if ((uid >= 0 || gid >= 0) && setgroups(0, nullptr) != 0)
            die("setgroups");
        if (gid >= 0 && setgid(static_cast<gid_t>(gid)) != 0)
            die("setgid");
        if (uid >= 0 && setuid(static_cast<uid_t>(uid)) != 0)
            die("setuid");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            die("no_new_privs");
        // Last, so the init's own setup above is not subject to it.
        if (seccomp) {
            char why[256];
            if (osh::sandbox::installSyscallFilter(why, sizeof why) != 0) {
                std::fprintf(stderr, "osh-sandbox-init: %s\n", why);
                _exit(125);
            }
        }
        execvp(argv[i], argv + i);
        std::fprintf(stderr, "osh-sandbox-init: cannot run %s: %s\n", argv[i], std::strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    writeStatus(statusFd, "started\n");

    std::vector<std::unique_ptr<Conn>> conns;
    int exitCode = -1;
    std::vector<pollfd> pfds;
    // Accepting pauses at kMaxConns relayed connections, and when the init
    // runs out of descriptors, until one closes: the next ones wait in the
    // listening sockets' backlog (a readable listener that cannot be
    // accepted would otherwise wake poll at once, forever).
    bool acceptPaused = false;
    while (exitCode < 0) {
        const bool accepting = !acceptPaused && conns.size() < kMaxConns;
        pfds.clear();
        pfds.push_back({sigFd, POLLIN, 0});
        for (const Forward &f : forwards)
            pfds.push_back({f.listenFd, static_cast<short>(accepting ? POLLIN : 0), 0});
        for (const auto &c : conns) {
            for (int k = 0; k < 2; ++k) {
                short ev = 0;
                if (c->dir[k].len == 0 && !c->dir[k].srcEof)
                    ev |= POLLIN;
                if (c->dir[1 - k].len > c->dir[1 - k].off)
                    ev |= POLLOUT;
                pfds.push_back({c->fd[k], ev, 0});
            }
        }
        if (poll(pfds.data(), pfds.size(), -1) < 0 && errno != EINTR)
            die("poll");

        if (pfds[0].revents & POLLIN) {
            signalfd_siginfo si;
            while (read(sigFd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGCHLD)
                    continue;
                kill(-child, static_cast<int>(si.ssi_signo));
                kill(child, static_cast<int>(si.ssi_signo));
            }
            int st = 0;
            pid_t p;
            while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
                if (p == child)
                    exitCode = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
        }
        size_t idx = 1;
        for (const Forward &f : forwards) {
            if (pfds[idx++].revents & POLLIN) {
                int cfd;
                while (conns.size() < kMaxConns
                       && (cfd = accept4(f.listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    const int ufd = connectUnix(f.path);
                    if (ufd < 0) {
                        close(cfd);
                        if (errno == EMFILE || errno == ENFILE)
                            acceptPaused = !conns.empty(); // until one of them closes
                        continue;
                    }
                    auto c = std::make_unique<Conn>();
                    c->fd[0] = cfd;
                    c->fd[1] = ufd;
                    conns.push_back(std::move(c));
                }
                if (conns.size() < kMaxConns && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM))
                    acceptPaused = !conns.empty();
            }
        }
        // Connections accepted in this round have no poll entries yet.
        const size_t polled = (pfds.size() - idx) / 2;
        for (size_t k = 0; k < polled && k < conns.size(); ++k) {
            Conn &c = *conns[k];
            const short e0 = pfds[idx + 2 * k].revents;
            const short e1 = pfds[idx + 2 * k + 1].revents;
            pump(c, 0, e0, e1);
            pump(c, 1, e1, e0);
        }
        for (size_t k = 0; k < conns.size();) {
            if (conns[k]->done()) {
                close(conns[k]->fd[0]);
                close(conns[k]->fd[1]);
                acceptPaused = false;
                conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(k));
            } else {
                ++k;
            }
        }
    }

    // The command is gone: nothing it started may outlive the session.
    // Everything left in the sandbox; only as process 1 of its own pid
    // namespace, where -1 means exactly that (run anywhere else, it would
    // mean every process the caller may signal).
    if (getpid() == 1)
        kill(-1, SIGKILL);
    while (waitpid(-1, nullptr, 0) > 0) {
    }
    // In a microVM the guest's memory is the limit and its own kernel the
    // one that kills at it: the launcher learns of that only from here.
    if (powerOff) {
        const long kills = oomKills();
        if (kills > 0) {
            char oom[48];
            std::snprintf(oom, sizeof oom, "oom_kill %ld\n", kills);
            writeStatus(statusFd, oom);
        }
    }
    char line[32];
    std::snprintf(line, sizeof line, "exit %d\n", exitCode);
    writeStatus(statusFd, line);
    if (powerOff && getpid() == 1) {
        sync();
        reboot(RB_AUTOBOOT); // the VMM runs with -no-reboot
    }
    return exitCode;
}
