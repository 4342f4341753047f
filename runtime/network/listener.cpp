#include "listener.h"
#include "sockaddr.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace osh::runtime {

namespace {
QString errnoText(const char *what)
{
    return QLatin1StringView(what) + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno));
}
} // namespace

Listener::Listener(QString identity, AcceptFn onAccept, QObject *parent)
    : QObject(parent), m_identity(std::move(identity)), m_onAccept(std::move(onAccept))
{
}

Listener::~Listener()
{
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_path.isEmpty())
        ::unlink(m_path.toLocal8Bit().constData());
}

bool Listener::listenUnix(const QString &path, QString *error)
{
    const QByteArray p = path.toLocal8Bit();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (p.isEmpty() || static_cast<std::size_t>(p.size()) >= sizeof addr.sun_path) {
        *error = QStringLiteral("socket path empty or too long: ") + path;
        return false;
    }
    std::memcpy(addr.sun_path, p.constData(), static_cast<std::size_t>(p.size()));
    struct stat st{};
    if (::lstat(p.constData(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *error = QStringLiteral("refusing to replace a file that is not a socket: ") + path;
            return false;
        }
        ::unlink(p.constData());
    }
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(m_fd, 512) != 0) {
        *error = errnoText("cannot listen on ") + path;
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        return false;
    }
    m_path = path;
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &Listener::acceptAll);
    return true;
}

bool Listener::listenTcp(const QHostAddress &address, quint16 port, QString *error)
{
    if (!address.isLoopback()) {
        *error = QStringLiteral("the proxy listens on loopback addresses only");
        return false;
    }
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    m_fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (m_fd >= 0)
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage ss{};
    socklen_t len = toSockaddr(address, port, ss);
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 || ::listen(m_fd, 512) != 0) {
        *error = errnoText("cannot listen on loopback port");
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        return false;
    }
    len = sizeof ss;
    ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&ss), &len);
    m_port = ntohs(v6 ? reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port : reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &Listener::acceptAll);
    return true;
}

void Listener::acceptAll()
{
    for (;;) {
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return; // EAGAIN, or out of descriptors: retried on the next notification
        }
        m_onAccept(fd);
    }
}

} // namespace osh::runtime
