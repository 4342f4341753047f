#pragma once
// One listening socket of the proxy, bound to one identity: a Unix socket
// path (bind-mounted into that identity's sandbox) or a loopback TCP port.
// Accepted connections are handed over as raw non-blocking descriptors,
// because established tunnels are relayed on the relay thread with splice.

#include <QHostAddress>
#include <QObject>
#include <QSocketNotifier>
#include <QString>

#include <functional>
#include <memory>

namespace osh::runtime {

class Listener : public QObject
{
    Q_OBJECT
public:
    using AcceptFn = std::function<void(int fd)>;
    Listener(QString identity, AcceptFn onAccept, QObject *parent = nullptr);
    ~Listener() override;

    // Replaces a stale socket file at path (never any other kind of file).
    bool listenUnix(const QString &path, QString *error);
    // Loopback addresses only; port 0 picks a free port.
    bool listenTcp(const QHostAddress &address, quint16 port, QString *error);

    const QString &identity() const { return m_identity; }
    quint16 port() const { return m_port; }
    const QString &path() const { return m_path; }

private:
    void acceptAll();

    QString m_identity;
    AcceptFn m_onAccept;
    int m_fd = -1;
    quint16 m_port = 0;
    QString m_path;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace osh::runtime
