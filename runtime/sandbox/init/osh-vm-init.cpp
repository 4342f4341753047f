// osh-vm-init: process 1 of a microVM sandbox's initramfs (isolation:
// firecracker). Static, libc only. It turns the bare guest into the same
// sandbox a container is, then hands process 1 over to osh-sandbox-init:
//
//  1. mounts /dev, /proc and /sys of the initramfs and loads the few modules
//     the guest needs (/modules/order: virtio, virtio-mmio, virtio-serial,
//     FUSE, virtio-fs), in that order;
//  2. mounts the launcher's virtio-fs share (tag "osh"): the sandbox root,
//     prepared on the host exactly like a container's, with the workspace
//     and the policy's folders bound in by the host (read-only ones are
//     read-only there, whatever the guest does);
//  3. reads /.osh/vm/config from it (records of "key\0value\0": arg, env,
//     cwd, socket, tmpfs, tmpopt) and mounts /proc, a /dev of the usual
//     nodes, and the tmpfs folders the container would have;
//  4. serves every socket the sandbox is given as a listening Unix socket at
//     its sandbox path, each connection a channel of the virtio-serial port
//     "org.openshell.mux" (vmmux.h), in a child process of its own;
//  5. brings up the loopback, connects the command's output to the
//     org.openshell.stdout/stderr ports, moves the share to / and executes
//     osh-sandbox-init with the recorded arguments, environment and folder.
// Any failure before that is reported on the console and stderr port, and
// the VM powers off (the launcher then reports the session as failed).

#include "vmmux.h"

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <map>
#include <net/if.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace {

using osh::vmmux::FrameHeader;
using osh::vmmux::FrameType;

int g_errFd = -1; // the stderr port once open: the launcher shows it

[[noreturn]] void powerOff()
{
    sync();
    reboot(RB_AUTOBOOT); // QEMU runs with -no-reboot: a reset ends it
    _exit(125);
}

[[noreturn]] void fatal(const char *what, int err)
{
    char line[512];
    const int n = std::snprintf(line, sizeof line, "osh-vm-init: %s: %s\n", what, std::strerror(err));
    for (const int fd : {2, g_errFd}) {
        if (fd >= 0 && write(fd, line, static_cast<size_t>(n)) < 0) {
        }
    }
    powerOff();
}

[[noreturn]] void fatal(const char *what)
{
    fatal(what, errno);
}

void mountOrDie(const char *source, const char *target, const char *type, unsigned long flags, const char *data)
{
    mkdir(target, 0755);
    if (mount(source, target, type, flags, data) != 0)
        fatal(target);
}

std::string readFile(const std::string &path, size_t limit)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fatal(path.c_str());
    std::string out;
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > limit)
            fatal(path.c_str(), EFBIG);
    }
    if (n < 0)
        fatal(path.c_str());
    close(fd);
    return out;
}

void loadModules()
{
    const std::string order = readFile("/modules/order", 4096);
    size_t at = 0;
    while (at < order.size()) {
        size_t end = order.find('\n', at);
        if (end == std::string::npos)
            end = order.size();
        const std::string name = order.substr(at, end - at);
        at = end + 1;
        if (name.empty())
            continue;
        const std::string path = "/modules/" + name;
        const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            fatal(path.c_str());
        if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
            fatal(path.c_str());
        close(fd);
    }
}

struct Config
{
    std::vector<std::string> args, env, sockets;
    bool interactive = false;
    std::vector<std::pair<std::string, std::string>> tmpfs; // path, options
    std::string cwd = "/";
};

Config readConfig(const std::string &path)
{
    const std::string text = readFile(path, 1 << 20);
    Config c;
    size_t at = 0;
    const auto next = [&](std::string *out) {
        const size_t end = text.find('\0', at);
        if (end == std::string::npos)
            return false;
        *out = text.substr(at, end - at);
        at = end + 1;
        return true;
    };
    std::string key, value;
    while (next(&key)) {
        if (!next(&value))
            fatal("config: a key without value", EINVAL);
        if (key == "arg")
            c.args.push_back(value);
        else if (key == "env")
            c.env.push_back(value);
        else if (key == "cwd")
            c.cwd = value;
        else if (key == "stdin")
            c.interactive = value == "mux";
        else if (key == "socket")
            c.sockets.push_back(value);
        else if (key == "tmpfs")
            c.tmpfs.emplace_back(value, std::string());
        else if (key == "tmpopt" && !c.tmpfs.empty())
            c.tmpfs.back().second = value;
        else
            fatal("config: unknown key", EINVAL);
    }
    if (at != text.size() || c.args.empty())
        fatal("config: truncated or without arguments", EINVAL);
    return c;
}

// /sys/class/virtio-ports/vportNpM/name -> /dev/vportNpM
std::map<std::string, std::string> virtioPorts()
{
    std::map<std::string, std::string> ports;
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d)
        return ports;
    while (dirent *e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        const std::string dev = e->d_name;
        const int fd = open(("/sys/class/virtio-ports/" + dev + "/name").c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char name[128];
        const ssize_t n = read(fd, name, sizeof name - 1);
        close(fd);
        if (n <= 0)
            continue;
        std::string s(name, static_cast<size_t>(n));
        while (!s.empty() && s.back() == '\n')
            s.pop_back();
        ports[s] = "/dev/" + dev;
    }
    closedir(d);
    return ports;
}

int openPort(const std::map<std::string, std::string> &ports, const char *name, int flags)
{
    const auto it = ports.find(name);
    if (it == ports.end())
        fatal(name, ENODEV);
    const int fd = open(it->second.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        fatal(name);
    return fd;
}

void makeDev(const std::string &root)
{
    mountOrDie("tmpfs", (root + "/dev").c_str(), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k");
    struct Node
    {
        const char *name;
        unsigned major, minor;
    };
    for (const Node &n : {Node{"null", 1, 3}, Node{"zero", 1, 5}, Node{"full", 1, 7}, Node{"random", 1, 8},
                          Node{"urandom", 1, 9}, Node{"tty", 5, 0}}) {
        const std::string p = root + "/dev/" + n.name;
        if (mknod(p.c_str(), S_IFCHR | 0666, makedev(n.major, n.minor)) != 0 || chmod(p.c_str(), 0666) != 0)
            fatal(p.c_str());
    }
    for (const auto &[name, target] : std::vector<std::pair<const char *, const char *>>{
             {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
             {"stderr", "/proc/self/fd/2"}}) {
        if (symlink(target, (root + "/dev/" + name).c_str()) != 0)
            fatal(name);
    }
    mountOrDie("shm", (root + "/dev/shm").c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=16m");
}

void loopbackUp()
{
    const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        fatal("socket");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        fatal("lo");
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
        fatal("lo up");
    close(s);
}

// ---- the mux: sockets of the sandbox as channels of one port ----

constexpr size_t kMaxChannels = 1024;
constexpr size_t kHighWater = 1 << 20;

struct Channel
{
    int fd = -1;
    std::string toLocal;
    bool localEof = false;  // the local peer sent its last byte
    bool remoteEof = false; // the launcher's side did
    bool shutDown = false;  // remote Eof passed on to the local peer
};

void frame(std::string &out, uint32_t channel, FrameType type, const char *data, size_t len)
{
    unsigned char h[osh::vmmux::kHeaderSize];
    osh::vmmux::encodeHeader(FrameHeader{channel, static_cast<uint32_t>(len), type}, h);
    out.append(reinterpret_cast<const char *>(h), sizeof h);
    out.append(data, len);
}

[[noreturn]] void runMux(int port, const std::vector<int> &listeners, int stdinFd)
{
    std::string toStdin;
    bool stdinEof = false;
    std::signal(SIGPIPE, SIG_IGN); // a command that closed its input is not the mux's end
    if (stdinFd >= 0)
        fcntl(stdinFd, F_SETFL, fcntl(stdinFd, F_GETFL) | O_NONBLOCK);
    std::map<uint32_t, Channel> chans;
    uint32_t nextId = 1;
    std::string out, in;
    std::vector<pollfd> pfds;
    std::vector<uint32_t> ids;
    char buf[osh::vmmux::kMaxPayload];
    for (;;) {
        bool localFull = toStdin.size() > kHighWater;
        for (const auto &[id, c] : chans)
            localFull = localFull || c.toLocal.size() > kHighWater;
        const bool outFull = out.size() > kHighWater;
        pfds.clear();
        ids.clear();
        pfds.push_back({port, static_cast<short>((localFull ? 0 : POLLIN) | (out.empty() ? 0 : POLLOUT)), 0});
        for (const int l : listeners)
            pfds.push_back({l, static_cast<short>(chans.size() < kMaxChannels && !outFull ? POLLIN : 0), 0});
        pfds.push_back({stdinFd, static_cast<short>(toStdin.empty() ? 0 : POLLOUT), 0});
        for (const auto &[id, c] : chans) {
            short ev = 0;
            if (!c.localEof && !outFull)
                ev |= POLLIN;
            if (!c.toLocal.empty())
                ev |= POLLOUT;
            pfds.push_back({c.fd, ev, 0});
            ids.push_back(id);
        }
        if (poll(pfds.data(), pfds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        // The port: write what is queued, read what came.
        if (pfds[0].revents & POLLOUT) {
            const ssize_t n = write(port, out.data(), out.size());
            if (n > 0)
                out.erase(0, static_cast<size_t>(n));
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                _exit(1);
        }
        if (pfds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = read(port, buf, sizeof buf);
            if (n > 0) {
                in.append(buf, static_cast<size_t>(n));
            } else if (n == 0) {
                // No host side (yet, or any more): the port reads as ended
                // and polls as hung up until QEMU's socket is connected.
                usleep(10000);
            } else if (errno != EAGAIN && errno != EINTR) {
                _exit(1);
            }
        }
        FrameHeader h;
        while (in.size() >= osh::vmmux::kHeaderSize) {
            if (!osh::vmmux::decodeHeader(reinterpret_cast<const unsigned char *>(in.data()), &h) || h.type == FrameType::Open)
                _exit(1);
            if (in.size() < osh::vmmux::kHeaderSize + h.length)
                break;
            if (h.channel == osh::vmmux::kStdinChannel && (h.type == FrameType::Data || h.type == FrameType::Eof)) {
                if (h.type == FrameType::Data && stdinFd >= 0)
                    toStdin.append(in, osh::vmmux::kHeaderSize, h.length);
                else if (h.type == FrameType::Eof)
                    stdinEof = true;
                in.erase(0, osh::vmmux::kHeaderSize + h.length);
                continue;
            }
            if (h.type == FrameType::Signal) {
                const int sig = static_cast<unsigned char>(in[osh::vmmux::kHeaderSize]);
                if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
                    kill(1, sig);
                in.erase(0, osh::vmmux::kHeaderSize + h.length);
                continue;
            }
            const auto it = chans.find(h.channel);
            if (it != chans.end()) {
                Channel &c = it->second;
                if (h.type == FrameType::Data)
                    c.toLocal.append(in, osh::vmmux::kHeaderSize, h.length);
                else if (h.type == FrameType::Eof)
                    c.remoteEof = true;
                else {
                    close(c.fd);
                    chans.erase(it);
                }
            }
            in.erase(0, osh::vmmux::kHeaderSize + h.length);
        }
        // New connections become channels.
        for (size_t k = 0; k < listeners.size(); ++k) {
            if (!(pfds[1 + k].revents & POLLIN))
                continue;
            // All that wait: the init's connect blocks while the backlog is full.
            int fd;
            while (chans.size() < kMaxChannels && (fd = accept4(listeners[k], nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                const uint32_t id = nextId++;
                chans[id].fd = fd;
                unsigned char idx[4];
                osh::vmmux::putU32(idx, static_cast<uint32_t>(k));
                frame(out, id, FrameType::Open, reinterpret_cast<const char *>(idx), sizeof idx);
            }
        }
        // The command's standard input (a reader that is gone takes nothing more).
        if (stdinFd >= 0 && !toStdin.empty() && (pfds[1 + listeners.size()].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t n = write(stdinFd, toStdin.data(), toStdin.size());
            if (n > 0) {
                toStdin.erase(0, static_cast<size_t>(n));
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                close(stdinFd);
                stdinFd = -1;
                toStdin.clear();
            }
        }
        if (stdinFd >= 0 && stdinEof && toStdin.empty()) {
            close(stdinFd);
            stdinFd = -1;
        }
        // Existing channels (those polled in this round).
        const size_t first = 2 + listeners.size();
        for (size_t k = 0; k < ids.size(); ++k) {
            const auto it = chans.find(ids[k]);
            if (it == chans.end())
                continue;
            Channel &c = it->second;
            const short re = pfds[first + k].revents;
            bool failed = false;
            if (re & POLLOUT && !c.toLocal.empty()) {
                const ssize_t n = send(c.fd, c.toLocal.data(), c.toLocal.size(), MSG_NOSIGNAL);
                if (n > 0)
                    c.toLocal.erase(0, static_cast<size_t>(n));
                else if (n < 0 && errno != EAGAIN && errno != EINTR)
                    failed = true;
            }
            if (!failed && !c.localEof && (re & (POLLIN | POLLHUP | POLLERR))) {
                const ssize_t n = read(c.fd, buf, sizeof buf);
                if (n > 0) {
                    frame(out, ids[k], FrameType::Data, buf, static_cast<size_t>(n));
                } else if (n == 0) {
                    c.localEof = true;
                    frame(out, ids[k], FrameType::Eof, nullptr, 0);
                } else if (errno != EAGAIN && errno != EINTR) {
                    failed = true;
                }
            }
            if (!failed && c.remoteEof && c.toLocal.empty() && !c.shutDown) {
                shutdown(c.fd, SHUT_WR);
                c.shutDown = true;
            }
            if (failed || (c.localEof && c.shutDown)) {
                frame(out, ids[k], FrameType::Close, nullptr, 0);
                close(c.fd);
                chans.erase(it);
            }
        }
    }
}

int listenAt(const std::string &path)
{
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path)
        fatal(path.c_str(), ENAMETOOLONG);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fatal("socket");
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || chmod(path.c_str(), 0666) != 0
        || listen(fd, 1024) != 0)
        fatal(path.c_str());
    return fd;
}

} // namespace

int main()
{
    if (getpid() != 1) {
        std::fprintf(stderr, "osh-vm-init: only process 1 of a microVM may run this\n");
        return 125;
    }
    mountOrDie("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    const int console = open("/dev/console", O_RDWR | O_NOCTTY);
    if (console >= 0) {
        for (int fd = 0; fd < 3; ++fd)
            dup2(console, fd);
        if (console > 2)
            close(console);
    }
    mountOrDie("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    mountOrDie("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    loadModules();

    // The devices of the modules just loaded appear as they are probed.
    const std::string root = "/newroot";
    mkdir(root.c_str(), 0755);
    std::map<std::string, std::string> ports;
    for (int attempt = 0;; ++attempt) {
        ports = virtioPorts();
        const bool portsReady = ports.count(osh::vmmux::kPortName) && ports.count(osh::vmmux::kStdoutPortName)
            && ports.count(osh::vmmux::kStderrPortName);
        if (portsReady && mount("osh", root.c_str(), "virtiofs", MS_NOSUID | MS_NODEV, "") == 0)
            break;
        if (attempt == 200)
            fatal(portsReady ? "mount the sandbox root (virtio-fs tag osh)" : "virtio-serial ports", portsReady ? errno : ENODEV);
        usleep(25000);
    }
    g_errFd = openPort(ports, osh::vmmux::kStderrPortName, O_WRONLY);
    const int outFd = openPort(ports, osh::vmmux::kStdoutPortName, O_WRONLY);

    const Config config = readConfig(root + "/.osh/vm/config");
    mountOrDie("proc", (root + "/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    makeDev(root);
    for (const auto &[path, options] : config.tmpfs)
        mountOrDie("tmpfs", (root + path).c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str());

    // Each socket listens in the initramfs and is bound over its (file)
    // mount point in the share: the share itself is read-only here.
    std::vector<int> listeners;
    mkdir("/sockets", 0755);
    for (size_t k = 0; k < config.sockets.size(); ++k) {
        const std::string local = "/sockets/" + std::to_string(k);
        listeners.push_back(listenAt(local));
        if (mount(local.c_str(), (root + config.sockets[k]).c_str(), nullptr, MS_BIND, nullptr) != 0)
            fatal(config.sockets[k].c_str());
    }
    // The command's standard input: a pipe the mux child fills from
    // channel 0 (vmmux.h), closed at the launcher's end of file.
    int stdinPipe[2] = {-1, -1};
    if (config.interactive && pipe2(stdinPipe, O_CLOEXEC) != 0)
        fatal("pipe");
    const int muxPort = openPort(ports, osh::vmmux::kPortName, O_RDWR | O_NONBLOCK);
    const pid_t mux = fork();
    if (mux < 0)
        fatal("fork");
    if (mux == 0) {
        setsid();
        if (stdinPipe[0] >= 0)
            close(stdinPipe[0]);
        runMux(muxPort, listeners, stdinPipe[1]);
    }
    close(muxPort);
    for (const int l : listeners)
        close(l);
    if (stdinPipe[1] >= 0)
        close(stdinPipe[1]);

    loopbackUp();
    sethostname("sandbox", 7);
    if (chdir(root.c_str()) != 0 || mount(".", "/", nullptr, MS_MOVE, nullptr) != 0 || chroot(".") != 0 || chdir("/") != 0)
        fatal("switch to the sandbox root");
    const int in = config.interactive ? stdinPipe[0] : open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in < 0 || dup2(in, 0) < 0 || dup2(outFd, 1) < 0 || dup2(g_errFd, 2) < 0)
        fatal("standard streams");
    if (chdir(config.cwd.c_str()) != 0)
        fatal(config.cwd.c_str());

    std::vector<char *> argv, envp;
    for (const std::string &a : config.args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    for (const std::string &e : config.env)
        envp.push_back(const_cast<char *>(e.c_str()));
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    fatal(argv[0]);
}
