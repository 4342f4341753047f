#include "sandbox/vmmuxhost.h"

#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>

namespace osh::runtime {

namespace {

using vmmux::FrameType;

constexpr std::size_t kMaxChannels = 1024;
// Past these, the guest's stream is not read until the host sockets have
// taken their data: per channel, and for all channels together, so that
// many channels cannot each hold a full backlog.
constexpr qint64 kChannelBacklog = 1 << 20;
constexpr qint64 kHostBacklog = 4 << 20;
// Past this, the host sockets are not read until QEMU has taken the stream.
constexpr qint64 kVmmBacklog = 4 << 20;
// What Qt reads ahead from a socket we do not read; the kernel holds the rest
// and in the end blocks the writer.
constexpr qint64 kVmmReadBuffer = 256 << 10;
constexpr qint64 kHostReadBuffer = vmmux::kMaxPayload;

} // namespace

struct VmMuxHost::Channel
{
    QLocalSocket *socket = nullptr;
    QByteArray early;      // the guest's data while the connection is being made
    bool connected = false;
    bool guestEof = false; // the guest sends no more data
    bool shutDown = false; // ... and the host socket was shut down for writing
    bool hostGone = false; // the host socket is closed; what Qt read from it still goes to the guest
    bool hostEof = false;  // Eof sent to the guest

    qint64 backlog() const { return early.size() + socket->bytesToWrite(); }
};

VmMuxHost::VmMuxHost(QStringList targets, QObject *parent)
    : QObject(parent)
    , m_targets(std::move(targets))
{
}

VmMuxHost::~VmMuxHost()
{
    close();
}

bool VmMuxHost::listen(const QString &path, QString *error)
{
    if (m_server) {
        *error = QStringLiteral("already listening on %1").arg(m_server->fullServerName());
        return false;
    }
    // Qt moves its socket into place with rename(), which would replace
    // whatever is there.
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) == 0) {
        *error = QStringLiteral("cannot listen on %1: it exists").arg(path);
        return false;
    }
    auto *server = new QLocalServer(this);
    // Qt binds in a private folder and renames the socket into place, so it
    // is never reachable with wider permissions; Qt grants rwx, 0600 is asked.
    server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!server->listen(path)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(path, server->errorString());
        delete server;
        return false;
    }
    if (::chmod(QFile::encodeName(path).constData(), 0600) != 0) {
        *error = QStringLiteral("cannot set the mode of %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        delete server;
        return false;
    }
    m_server = server;
    m_vmmTaken = false;
    connect(server, &QLocalServer::newConnection, this, &VmMuxHost::takeConnections);
    return true;
}

void VmMuxHost::takeConnections()
{
    while (QLocalSocket *s = m_server ? m_server->nextPendingConnection() : nullptr) {
        if (m_vmmTaken) {
            s->abort();
            s->deleteLater();
            continue;
        }
        m_vmmTaken = true;
        m_vmm = s;
        s->setParent(this);
        s->setReadBufferSize(kVmmReadBuffer);
        connect(s, &QLocalSocket::readyRead, this, &VmMuxHost::readVmm);
        connect(s, &QLocalSocket::bytesWritten, this, [this] {
            if (m_hostStalled && !vmmBacklogFull())
                resumeHostReads();
            if (m_vmmStalled && !vmmBacklogFull() && !hostBacklogFull())
                readVmm();
        });
        // Queued, like the host sockets' ends: never inside our own calls.
        const QPointer<QLocalSocket> p(s);
        const auto gone = [this, p] {
            if (p && p == m_vmm)
                close();
        };
        connect(s, &QLocalSocket::disconnected, this, gone, Qt::QueuedConnection);
        connect(s, &QLocalSocket::errorOccurred, this, gone, Qt::QueuedConnection);
        sendStdin({}, false);
        if (const int sig = std::exchange(m_pendingSignal, 0))
            signalGuest(sig);
        readVmm();
    }
}

void VmMuxHost::close()
{
    for (auto &[id, c] : m_channels) {
        c->socket->disconnect(this);
        c->socket->abort();
        c->socket->deleteLater();
    }
    m_channels.clear();
    if (m_vmm) {
        m_vmm->disconnect(this);
        m_vmm->abort();
        m_vmm->deleteLater();
        m_vmm = nullptr;
    }
    if (m_server) {
        m_server->disconnect(this);
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
    m_in.clear();
    m_vmmStalled = m_hostStalled = false;
}

int VmMuxHost::openChannels() const
{
    return static_cast<int>(m_channels.size());
}

QString VmMuxHost::protocolError() const
{
    return m_error;
}

void VmMuxHost::sendStdin(const QByteArray &data, bool eof)
{
    if (!m_stdinEof) { // nothing after the end
        m_stdinPending += data;
        m_stdinEof = eof;
    }
    if (!m_vmm || m_stdinEofSent)
        return;
    for (qsizetype at = 0; at < m_stdinPending.size(); at += vmmux::kMaxPayload)
        send(vmmux::kStdinChannel, FrameType::Data, m_stdinPending.mid(at, vmmux::kMaxPayload));
    m_stdinPending.clear();
    if (m_stdinEof) {
        send(vmmux::kStdinChannel, FrameType::Eof);
        m_stdinEofSent = true;
    }
}

void VmMuxHost::signalGuest(int sig)
{
    if (sig <= 0 || sig > 255)
        return;
    if (!m_vmm) { // sent once QEMU connects
        m_pendingSignal = sig;
        return;
    }
    send(0, FrameType::Signal, QByteArray(1, static_cast<char>(sig)));
}

qint64 VmMuxHost::pendingBytes() const
{
    qint64 n = m_in.size() + m_stdinPending.size();
    if (m_vmm)
        n += m_vmm->bytesToWrite() + m_vmm->bytesAvailable();
    for (const auto &[id, c] : m_channels)
        n += c->backlog() + c->socket->bytesAvailable();
    return n;
}

void VmMuxHost::readVmm()
{
    m_vmmStalled = false;
    while (m_vmm) {
        // Nor while the guest does not read what is sent to it: its frames
        // may each ask for a reply (a refused Open is answered with Close).
        if (hostBacklogFull() || vmmBacklogFull()) {
            m_vmmStalled = true;
            return;
        }
        const auto *data = reinterpret_cast<const unsigned char *>(m_in.constData());
        qsizetype used = 0;
        while (m_in.size() - used >= qsizetype(vmmux::kHeaderSize)) {
            vmmux::FrameHeader h;
            if (!vmmux::decodeHeader(data + used, &h)) {
                violation(QStringLiteral("the guest sent a frame header this protocol does not allow "
                                         "(channel %1, length %2, type %3, padding %4 %5 %6)")
                              .arg(h.channel)
                              .arg(h.length)
                              .arg(data[used + 8])
                              .arg(data[used + 9])
                              .arg(data[used + 10])
                              .arg(data[used + 11]));
                return;
            }
            if (m_in.size() - used - qsizetype(vmmux::kHeaderSize) < qsizetype(h.length))
                break;
            const char *payload = m_in.constData() + used + vmmux::kHeaderSize;
            used += vmmux::kHeaderSize + h.length;
            if (!handleFrame(h.channel, h.type, payload, h.length))
                return;
            const auto it = m_channels.find(h.channel);
            if (it != m_channels.end() && it->second->backlog() > kChannelBacklog) {
                m_vmmStalled = true;
                break;
            }
        }
        m_in.remove(0, used);
        if (m_vmmStalled)
            return;
        const QByteArray more = m_vmm->read(kVmmReadBuffer);
        if (more.isEmpty())
            return;
        m_in += more;
    }
}

// false when the frame ended the stream.
bool VmMuxHost::handleFrame(quint32 id, FrameType frameType, const char *payload, qsizetype length)
{
    if (frameType == FrameType::Open)
        return openChannel(id, vmmux::getU32(reinterpret_cast<const unsigned char *>(payload)));
    if (frameType == FrameType::Signal) {
        violation(QStringLiteral("the guest sent a Signal frame"));
        return false;
    }
    // Frames of a channel we closed may still come: the guest had not seen our Close yet.
    const auto it = m_channels.find(id);
    if (it == m_channels.end())
        return true;
    Channel &c = *it->second;
    if (frameType == FrameType::Close) {
        drop(id);
    } else if (c.guestEof || c.hostGone) {
        // Nothing after the guest's own Eof, and nowhere to write once the host socket is closed.
        if (frameType == FrameType::Eof && !c.guestEof) {
            c.guestEof = true;
            finishIfDone(id);
        }
    } else if (frameType == FrameType::Data) {
        writeHost(c, payload, length);
    } else {
        c.guestEof = true;
        shutDownWhenWritten(c);
    }
    return true;
}

bool VmMuxHost::openChannel(quint32 id, quint32 index)
{
    if (m_channels.count(id)) {
        violation(QStringLiteral("the guest opened channel %1 twice").arg(id));
        return false;
    }
    if (index >= quint32(m_targets.size()) || m_channels.size() >= kMaxChannels) {
        send(id, FrameType::Close);
        return true;
    }
    auto *s = new QLocalSocket(this);
    s->setReadBufferSize(kHostReadBuffer);
    auto entry = std::make_unique<Channel>();
    entry->socket = s;
    m_channels.emplace(id, std::move(entry));
    // The socket's ends are queued: Qt reports a failed connect from inside
    // connectToServer(), and an aborted socket from inside abort(). The
    // pointer tells a queued call for a dropped channel's socket from one for
    // a socket of the same id opened since (ids are the guest's to choose).
    const QPointer<QLocalSocket> p(s);
    connect(s, &QLocalSocket::connected, this, [this, id, p] {
        if (channel(id, p))
            hostConnected(id);
    }, Qt::QueuedConnection);
    connect(s, &QLocalSocket::errorOccurred, this, [this, id, p] {
        if (channel(id, p))
            hostError(id);
    }, Qt::QueuedConnection);
    connect(s, &QLocalSocket::disconnected, this, [this, id, p] {
        if (channel(id, p))
            hostDisconnected(id);
    }, Qt::QueuedConnection);
    connect(s, &QLocalSocket::readyRead, this, [this, id, p] {
        if (channel(id, p))
            readHost(id);
    });
    connect(s, &QLocalSocket::bytesWritten, this, [this, id, p] {
        if (Channel *c = channel(id, p))
            shutDownWhenWritten(*c);
        if (m_vmmStalled)
            readVmm();
    });
    s->connectToServer(m_targets.at(qsizetype(index)));
    return true;
}

void VmMuxHost::writeHost(Channel &c, const char *data, qsizetype length)
{
    // A socket Qt has just closed refuses the write; its queued end follows.
    if (c.connected)
        c.socket->write(data, length);
    else
        c.early.append(data, length);
}

void VmMuxHost::hostConnected(quint32 id)
{
    Channel &c = *m_channels.at(id);
    c.connected = true;
    if (!c.early.isEmpty())
        c.socket->write(std::exchange(c.early, {}));
    shutDownWhenWritten(c);
    readHost(id);
}

void VmMuxHost::hostError(quint32 id)
{
    Channel &c = *m_channels.at(id);
    // The peer's end of file: disconnected() follows and ends the channel
    // in order, after the data read before it.
    if (c.connected && c.socket->error() == QLocalSocket::PeerClosedError)
        return;
    send(id, FrameType::Close);
    drop(id);
}

void VmMuxHost::hostDisconnected(quint32 id)
{
    m_channels.at(id)->hostGone = true;
    readHost(id);
}

void VmMuxHost::readHost(quint32 id)
{
    Channel &c = *m_channels.at(id);
    // Qt keeps what it read before the end of file, but not after an error;
    // reading a socket it closed then only warns.
    while (c.socket->bytesAvailable() > 0) {
        if (vmmBacklogFull()) {
            m_hostStalled = true;
            return;
        }
        const QByteArray data = c.socket->read(vmmux::kMaxPayload);
        if (data.isEmpty())
            break;
        send(id, FrameType::Data, data);
    }
    if (c.hostGone && !c.hostEof) {
        c.hostEof = true;
        send(id, FrameType::Eof);
        finishIfDone(id);
    }
}

void VmMuxHost::resumeHostReads()
{
    m_hostStalled = false;
    std::vector<quint32> ids;
    ids.reserve(m_channels.size());
    for (const auto &[id, c] : m_channels)
        ids.push_back(id);
    for (const quint32 id : ids) {
        if (m_hostStalled)
            return;
        if (m_channels.count(id))
            readHost(id);
    }
}

void VmMuxHost::shutDownWhenWritten(Channel &c)
{
    if (!c.guestEof || c.shutDown || !c.connected || c.hostGone || c.backlog() > 0)
        return;
    // QLocalSocket has no half close; the descriptor is still Qt's.
    ::shutdown(int(c.socket->socketDescriptor()), SHUT_WR);
    c.shutDown = true;
}

// Close only when both directions ended: the guest drops what it has not yet
// written to its peer when Close comes. The host side's Eof means its socket
// is closed (Qt closes it at its end of file).
void VmMuxHost::finishIfDone(quint32 id)
{
    const Channel &c = *m_channels.at(id);
    if (c.guestEof && c.hostEof) {
        send(id, FrameType::Close);
        drop(id);
    }
}

void VmMuxHost::drop(quint32 id)
{
    const auto it = m_channels.find(id);
    QLocalSocket *s = it->second->socket;
    m_channels.erase(it);
    s->disconnect(this);
    s->abort();
    s->deleteLater();
    // What the channel held no longer holds back the stream.
    if (m_vmmStalled)
        QMetaObject::invokeMethod(this, &VmMuxHost::readVmm, Qt::QueuedConnection);
}

VmMuxHost::Channel *VmMuxHost::channel(quint32 id, const QLocalSocket *socket)
{
    const auto it = m_channels.find(id);
    return socket && it != m_channels.end() && it->second->socket == socket ? it->second.get() : nullptr;
}

bool VmMuxHost::hostBacklogFull() const
{
    qint64 total = 0;
    for (const auto &[id, c] : m_channels) {
        const qint64 b = c->backlog();
        if (b > kChannelBacklog)
            return true;
        total += b;
    }
    return total > kHostBacklog;
}

bool VmMuxHost::vmmBacklogFull() const
{
    return m_vmm && m_vmm->bytesToWrite() > kVmmBacklog;
}

void VmMuxHost::send(quint32 channel, FrameType frameType, const QByteArray &payload)
{
    if (!m_vmm)
        return;
    unsigned char h[vmmux::kHeaderSize];
    vmmux::encodeHeader({channel, quint32(payload.size()), frameType}, h);
    m_vmm->write(reinterpret_cast<const char *>(h), sizeof h);
    if (!payload.isEmpty())
        m_vmm->write(payload);
}

void VmMuxHost::violation(const QString &why)
{
    if (!m_error.isEmpty())
        return;
    m_error = why;
    close();
    QMetaObject::invokeMethod(this, [this, why] { Q_EMIT protocolViolation(why); }, Qt::QueuedConnection);
}

} // namespace osh::runtime
