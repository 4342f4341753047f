#pragma once
// One client connection to the proxy, from its request head until it is
// refused, or handed to the relay thread as an established tunnel: parse,
// decide what can be decided from the name, look it up, decide with every
// address of the answer, connect to exactly the decided address, and check the
// first flight (TLS ClientHello and SNI) or the plaintext SMTP dialogue
// before any client byte reaches the destination.

#include "httpparser.h"
#include "smtpguard.h"

#include "engine/decision.h"
#include "engine/request.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSocketNotifier>
#include <QString>
#include <QTimer>

#include <cstdint>
#include <memory>
#include <string>

namespace osh::runtime {

class NetworkGuardianProxy;

class ProxyConnection : public QObject
{
    Q_OBJECT
public:
    ProxyConnection(NetworkGuardianProxy *proxy, QString identity, int clientFd);
    ~ProxyConnection() override;

    // From the first byte; before it, the proxy's idleTimeoutMs applies.
    static constexpr int kHeadTimeoutMs = 30000;
    static constexpr int kConnectTimeoutMs = 10000;
    static constexpr int kFirstFlightTimeoutMs = 30000;
    static constexpr int kSmtpIdleTimeoutMs = 300000;

private:
    enum class State { Head, Resolving, Deciding, Connecting, FirstFlight, Smtp, Closing, Done };

    void onClientReadable();
    void onServerReadable();
    void onServerWritable();
    void onTimeout();
    void handleHead();
    void decideWith(const QList<QHostAddress> &answer);
    void connectUpstream();
    void onConnected();
    void checkFirstFlight();
    void smtpFromClient(std::string_view data);
    void handOff();
    void handOffInspection();
    void reply(int status, const QString &error, const QString &reason, const osh::Decision *decision = nullptr);
    void cut(const QString &reason);
    bool flush(int fd, std::string &pending);
    void finishClosing();
    void closeAll();
    QString hostText() const;

    NetworkGuardianProxy *m_proxy;
    QString m_identity;
    int m_client = -1;
    int m_server = -1;
    State m_state = State::Head;
    std::unique_ptr<QSocketNotifier> m_clientRead;
    std::unique_ptr<QSocketNotifier> m_clientWrite;
    std::unique_ptr<QSocketNotifier> m_serverRead;
    std::unique_ptr<QSocketNotifier> m_serverWrite;
    QTimer m_timer;

    std::string m_in;       // client bytes read and not yet forwarded
    std::string m_toClient; // queued for the client
    std::string m_toServer; // queued for the destination
    HttpRequestHead m_head;
    std::string m_protocol;
    osh::Request m_request;
    QHostAddress m_address; // the address decided on, and connected to
    bool m_heardFrom = false; // the client has sent a byte
    bool m_handedOff = false; // the relay thread owns the connection now
    int m_rule = -1;
    bool m_inspect = false;   // each HTTP request is decided by an inspector
    std::string m_rawHead;    // the request head as received
    bool m_tlsRequired = false;
    std::int64_t m_maxUp = -1;
    std::int64_t m_maxDown = -1;
    std::int64_t m_upEnd = -1;
    std::int64_t m_upBytes = 0;   // client payload queued for the destination so far
    std::int64_t m_downBytes = 0; // destination payload queued for the client so far
    SmtpGuard m_smtp;
};

} // namespace osh::runtime
