#pragma once
// The launcher's end of a microVM's socket mux (init/vmmux.h). QEMU's
// virtio-serial chardev connects to a Unix socket of ours; every channel the
// guest opens on that stream becomes a connection to one of the sandbox's
// host sockets. The guest is not trusted: a frame the protocol does not allow
// ends the stream, and what it sends is not buffered without bound but held
// back in the stream (backpressure) while a host socket cannot take more.
// At most 1024 channels are open at once; an Open past that, of an index
// past the targets, or whose target cannot be reached, is answered Close.
// A channel's Close goes to the guest once both directions ended (or the
// host connection failed), never before its data and Eof.
//
// Qt's QLocalSocket closes a connection as soon as it reads the end of file,
// so a host service's half close reaches the guest as Eof, but the guest's
// data after it is dropped (the socket is gone).

#include "sandbox/init/vmmux.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>

class QLocalServer;
class QLocalSocket;

namespace osh::runtime {

class VmMuxHost : public QObject
{
    Q_OBJECT

public:
    // targets[i]: the host Unix socket path that a guest Open with index i connects to.
    explicit VmMuxHost(QStringList targets, QObject *parent = nullptr);
    ~VmMuxHost() override;

    // Listens on a Unix socket at `path` (created, mode 0600) for the one
    // connection of the VMM (QEMU's chardev connects to it as a client).
    // Only the first connection is taken; later ones are closed at once.
    // false with *error set when it cannot listen.
    bool listen(const QString &path, QString *error);
    // Drop everything: the VMM connection and all channels.
    void close();
    int openChannels() const;
    // Bytes received from the guest so far that violate the protocol end
    // the stream; this says why (empty while fine).
    QString protocolError() const;
    // Passes sig to the guest's init (a Signal frame), which passes SIGTERM,
    // SIGINT and SIGHUP on to the command; sent once QEMU connects when it
    // has not yet.
    void signalGuest(int sig);
    // The command's standard input (vmmux::kStdinChannel): held until the
    // VMM connects, then sent as Data frames, eof as the channel's Eof.
    void sendStdin(const QByteArray &data, bool eof);
    // The bytes this object holds: queued for the VMM and the host sockets,
    // and read from them but not yet passed on. Bounded whatever the guest
    // does; tests check that.
    qint64 pendingBytes() const;

Q_SIGNALS:
    // Once; the stream and all channels are closed when it is delivered.
    // Queued, so a slot may delete this object.
    void protocolViolation(const QString &why);

private:
    struct Channel;

    void takeConnections();
    void readVmm();
    bool handleFrame(quint32 id, vmmux::FrameType type, const char *payload, qsizetype length);
    bool openChannel(quint32 id, quint32 index);
    void writeHost(Channel &c, const char *data, qsizetype length);
    void hostConnected(quint32 id);
    void hostError(quint32 id);
    void hostDisconnected(quint32 id);
    void readHost(quint32 id);
    void resumeHostReads();
    void shutDownWhenWritten(Channel &c);
    void finishIfDone(quint32 id);
    void drop(quint32 id);
    Channel *channel(quint32 id, const QLocalSocket *socket);
    bool hostBacklogFull() const;
    bool vmmBacklogFull() const;
    void send(quint32 channel, vmmux::FrameType type, const QByteArray &payload = {});
    void violation(const QString &why);

    const QStringList m_targets;
    QLocalServer *m_server = nullptr;
    QLocalSocket *m_vmm = nullptr;
    bool m_vmmTaken = false;
    // Guest bytes read from the VMM socket that do not yet make a whole frame,
    // or whose frames wait for a host socket to drain.
    QByteArray m_in;
    // Reading stopped for backpressure; Qt does not signal data it already
    // holds again, so the reader is called when the backlog drains.
    bool m_vmmStalled = false;
    bool m_hostStalled = false;
    std::map<quint32, std::unique_ptr<Channel>> m_channels;
    QByteArray m_stdinPending; // until the VMM connects
    bool m_stdinEof = false;
    bool m_stdinEofSent = false;
    int m_pendingSignal = 0; // asked for before QEMU connected
    QString m_error;
};

} // namespace osh::runtime
