// osh-vm-fsd: starts virtiofsd, the host side of a microVM's shared root,
// with no more reach than a container's root has. Static, libc only.
//
//   osh-vm-fsd --root DIR --socket PATH --socket-group GID
//              [--bind SRC DEST ro|rw]... --uid-map INSIDE:OUTSIDE...
//              --gid-map INSIDE:OUTSIDE... -- VIRTIOFSD ARG...
//
// In a private mount namespace it binds DIR onto itself read-only, then each
// SRC at DIR/DEST (DEST resolved beneath DIR without following any symbolic
// link), read-only where asked, never with set-uid or devices. It then starts
// VIRTIOFSD in a new user namespace of exactly the given ids, mapped by this
// process (which stays outside it as root, only to map and to wait):
// the guest's root is an unprivileged id on the host, the command's id is
// itself, so a guest that takes over virtiofsd still writes as nobody
// privileged, and read-only binds made outside its namespace are locked for
// it. virtiofsd gets its vhost-user socket open (--fd), listening at PATH
// for the group GID (the VMM's); its /run (its pid file) is a private tmpfs. The exit status is virtiofsd's; SIGTERM is passed on to it.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <string>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "osh-vm-fsd: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(125);
}

[[noreturn]] void usage(const std::string &what)
{
    std::fprintf(stderr, "osh-vm-fsd: %s\n", what.c_str());
    std::exit(125);
}

struct Bind
{
    std::string source, dest;
    bool readOnly = true;
};

// DEST beneath the root, no symbolic link anywhere on the way (the
// workspace is the user's, and may hold links aimed elsewhere).
int openBeneath(int rootFd, const std::string &dest)
{
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const std::string rel = dest.empty() || dest == "/" ? "." : dest.substr(dest.find_first_not_of('/'));
    const int fd = static_cast<int>(syscall(SYS_openat2, rootFd, rel.c_str(), &how, sizeof how));
    if (fd < 0)
        die("resolve " + dest);
    return fd;
}

std::string fdPath(int fd)
{
    return "/proc/self/fd/" + std::to_string(fd);
}

void bindAt(int rootFd, const std::string &source, const std::string &dest, bool readOnly)
{
    const int at = openBeneath(rootFd, dest);
    if (mount(source.c_str(), fdPath(at).c_str(), nullptr, MS_BIND, nullptr) != 0)
        die("bind " + source + " at " + dest);
    close(at);
    // The fd above names what the bind now covers: the remount needs the new mount.
    const int on = openBeneath(rootFd, dest);
    const unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | (readOnly ? MS_RDONLY : 0);
    if (mount(nullptr, fdPath(on).c_str(), nullptr, flags, nullptr) != 0)
        die("remount " + dest);
    close(on);
}

std::pair<long, long> parseMap(const char *v)
{
    char *end = nullptr;
    const long inside = std::strtol(v, &end, 10);
    if (end == v || *end != ':')
        usage(std::string("bad map ") + v);
    const char *o = end + 1;
    const long outside = std::strtol(o, &end, 10);
    if (end == o || *end != '\0' || inside < 0 || outside < 0)
        usage(std::string("bad map ") + v);
    return {inside, outside};
}

void writeMap(pid_t pid, const char *file, const std::vector<std::pair<long, long>> &map)
{
    std::string text;
    for (const auto &[inside, outside] : map)
        text += std::to_string(inside) + ' ' + std::to_string(outside) + " 1\n";
    const std::string path = "/proc/" + std::to_string(pid) + '/' + file;
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        die("write " + path);
    close(fd);
}

long parseNumber(const char *v)
{
    char *end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 0)
        usage(std::string("bad number ") + v);
    return n;
}

int listenUnix(const std::string &path, gid_t group)
{
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path)
        usage("socket path too long: " + path);
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0); // inherited by virtiofsd
    if (fd < 0)
        die("socket");
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const mode_t old = umask(0177);
    const bool bound = bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
    umask(old);
    if (!bound || chown(path.c_str(), 0, group) != 0 || chmod(path.c_str(), 0660) != 0 || listen(fd, 1) != 0)
        die("listen on " + path);
    return fd;
}

pid_t g_child = -1;

void passOn(int sig)
{
    if (g_child > 0)
        kill(g_child, sig);
}

} // namespace

int main(int argc, char **argv)
{
    std::string root, socketPath;
    long socketGroup = -1;
    std::vector<Bind> binds;
    std::vector<std::pair<long, long>> uidMap, gidMap;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (i + 1 >= argc)
            usage(a + " needs a value");
        const char *v = argv[++i];
        if (a == "--root") {
            root = v;
        } else if (a == "--bind") {
            // Three arguments, never one to split: paths may hold any byte but NUL.
            if (i + 2 >= argc)
                usage("--bind needs SRC DEST ro|rw");
            const std::string mode = argv[i + 2];
            if (mode != "ro" && mode != "rw")
                usage("bad bind mode " + mode);
            binds.push_back({v, argv[i + 1], mode == "ro"});
            i += 2;
        } else if (a == "--socket") {
            socketPath = v;
        } else if (a == "--socket-group") {
            socketGroup = parseNumber(v);
        } else if (a == "--uid-map") {
            uidMap.push_back(parseMap(v));
        } else if (a == "--gid-map") {
            gidMap.push_back(parseMap(v));
        } else {
            usage("unknown option " + a);
        }
    }
    if (i >= argc || root.empty() || socketPath.empty() || socketGroup < 0 || uidMap.empty() || gidMap.empty())
        usage("needs --root, --socket, --socket-group, --uid-map, --gid-map and a command");
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        return 125; // the launcher is already gone

    // The vhost-user socket, made here as root in the launcher's folder
    // (which nobody else may write) and handed to virtiofsd open: the VMM's
    // group may connect, and virtiofsd needs no writable folder.
    const int listenFd = listenUnix(socketPath, static_cast<gid_t>(socketGroup));

    if (unshare(CLONE_NEWNS) != 0)
        die("unshare mount namespace");
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        die("make mounts private");
    if (mount(root.c_str(), root.c_str(), nullptr, MS_BIND, nullptr) != 0
        || mount(nullptr, root.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
        die("bind " + root + " read-only");
    const int rootFd = open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0)
        die("open " + root);
    for (const Bind &b : binds)
        bindAt(rootFd, b.source, b.dest, b.readOnly);
    close(rootFd);
    // virtiofsd keeps a pid file under /run/virtiofsd: a /run of its own,
    // owned by the id its root becomes outside.
    long runOwner = -1;
    for (const auto &[inside, outside] : uidMap) {
        if (inside == 0)
            runOwner = outside;
    }
    if (runOwner < 0)
        usage("--uid-map needs an entry for 0");
    const std::string runOptions = "mode=0755,size=1m,uid=" + std::to_string(runOwner) + ",gid=" + std::to_string(runOwner);
    if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, runOptions.c_str()) != 0)
        die("mount a private /run");
    // Inside a user namespace it could not raise its limit itself.
    const rlimit files{65536, 65536};
    setrlimit(RLIMIT_NOFILE, &files);

    int toParent[2], toChild[2];
    if (pipe2(toParent, O_CLOEXEC) != 0 || pipe2(toChild, O_CLOEXEC) != 0)
        die("pipe");
    g_child = fork();
    if (g_child < 0)
        die("fork");
    if (g_child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        char c = 0;
        if (unshare(CLONE_NEWUSER) != 0)
            die("unshare user namespace");
        if (write(toParent[1], &c, 1) != 1 || read(toChild[0], &c, 1) != 1 || c != 1)
            _exit(125);
        if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
            die("become the namespace's root");
        // The change of ids cleared the death signal: virtiofsd must not
        // outlive this process (which dies with the launcher).
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(125);
        std::vector<char *> args(argv + i, argv + argc);
        std::string fdArg = "--fd=" + std::to_string(listenFd);
        args.push_back(fdArg.data());
        args.push_back(nullptr);
        execve(args[0], args.data(), environ);
        die(std::string("run ") + argv[i]);
    }
    char c = 0;
    if (read(toParent[0], &c, 1) != 1)
        die("child");
    writeMap(g_child, "uid_map", uidMap);
    writeMap(g_child, "gid_map", gidMap);
    c = 1;
    if (write(toChild[1], &c, 1) != 1)
        die("child");
    for (const int s : {SIGTERM, SIGINT, SIGHUP})
        std::signal(s, passOn);
    int st = 0;
    while (waitpid(g_child, &st, 0) < 0) {
        if (errno != EINTR)
            die("wait");
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
