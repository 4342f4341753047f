// openshell-mcp: a stdio MCP server inside every OpenShell sandbox
// (/opt/openshell/bin/openshell-mcp) that relays to the session's gateway,
// so an MCP client that only spawns stdio servers connects by configuration
// alone:
//
//   {"mcpServers": {"openshell": {"command": "/opt/openshell/bin/openshell-mcp"}}}
//
// Both sides speak newline-delimited JSON-RPC; bytes are relayed unchanged
// in both directions (the gateway decides and answers every message). It
// connects to the Unix socket named by OPENSHELL_GATEWAY; at the end of its
// standard input it half-closes the connection and exits once the gateway
// closes (answers still in flight when the input ends are not waited for,
// as with any stdio server whose client has gone), or when the gateway goes.
// Static, libc only, like the sandbox's init.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

struct Buffer
{
    char data[65536];
    size_t len = 0;
    size_t off = 0;
    bool eof = false;
    bool pending() const { return off < len; }
};

int fail(const char *what, const char *detail)
{
    std::fprintf(stderr, "openshell-mcp: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

// Reads what is there into an empty buffer; false on an error.
bool fill(int fd, Buffer &b)
{
    const ssize_t n = read(fd, b.data, sizeof b.data);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        b.eof = true;
    b.len = static_cast<size_t>(n);
    b.off = 0;
    return true;
}

bool drain(int fd, Buffer &b)
{
    const ssize_t n = write(fd, b.data + b.off, b.len - b.off);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    b.off += static_cast<size_t>(n);
    if (b.off == b.len)
        b.off = b.len = 0;
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        std::printf("usage: openshell-mcp\n"
                    "A stdio MCP server that relays to the OpenShell gateway named by OPENSHELL_GATEWAY.\n");
        return 0;
    }
    std::signal(SIGPIPE, SIG_IGN);
    const char *path = std::getenv("OPENSHELL_GATEWAY");
    if (!path || !*path)
        return fail("OPENSHELL_GATEWAY is not set", "run this inside an OpenShell sandbox");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (std::strlen(path) >= sizeof addr.sun_path)
        return fail("OPENSHELL_GATEWAY is too long for a Unix socket path", path);
    std::memcpy(addr.sun_path, path, std::strlen(path));
    const int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return fail("socket", std::strerror(errno));
    if (connect(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return fail("cannot connect to the gateway", std::strerror(errno));

    static Buffer up;   // standard input -> gateway
    static Buffer down; // gateway -> standard output
    bool halfClosed = false;
    for (;;) {
        pollfd p[4];
        nfds_t n = 0;
        int inIdx = -1, sockIdx = -1, outIdx = -1;
        if (!up.eof && !up.pending()) {
            inIdx = static_cast<int>(n);
            p[n++] = {STDIN_FILENO, POLLIN, 0};
        }
        short sockEvents = 0;
        if (!down.eof && !down.pending())
            sockEvents |= POLLIN;
        if (up.pending())
            sockEvents |= POLLOUT;
        if (sockEvents) {
            sockIdx = static_cast<int>(n);
            p[n++] = {sock, sockEvents, 0};
        }
        if (down.pending()) {
            outIdx = static_cast<int>(n);
            p[n++] = {STDOUT_FILENO, POLLOUT, 0};
        }
        if (n == 0)
            break;
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return fail("poll", std::strerror(errno));
        }
        if (inIdx >= 0 && (p[inIdx].revents & (POLLIN | POLLHUP | POLLERR)) && !fill(STDIN_FILENO, up))
            return fail("reading standard input", std::strerror(errno));
        if (sockIdx >= 0 && (p[sockIdx].revents & (POLLIN | POLLHUP | POLLERR)) && !down.pending() && !down.eof
            && !fill(sock, down))
            return fail("reading from the gateway", std::strerror(errno));
        if (sockIdx >= 0 && (p[sockIdx].revents & POLLOUT) && up.pending() && !drain(sock, up))
            return fail("writing to the gateway", std::strerror(errno));
        if (outIdx >= 0 && (p[outIdx].revents & (POLLOUT | POLLERR | POLLHUP)) && !drain(STDOUT_FILENO, down))
            return 0; // the client went away
        if (up.eof && !up.pending() && !halfClosed) {
            shutdown(sock, SHUT_WR);
            halfClosed = true;
        }
        if (down.eof && !down.pending())
            break; // the gateway closed: everything it said has been passed on
    }
    return 0;
}
