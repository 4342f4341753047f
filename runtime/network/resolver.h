#pragma once
// Resolves the names the engine allowed and that the policy's hosts map does
// not pin: through allowed_dns_servers when the policy lists any (asked in
// order, A then AAAA), otherwise through the host's resolver. It is only
// ever asked after the engine said the name may be resolved (dns_filtering),
// so a name no rule allows never leaves the machine as a DNS query.

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace osh::runtime {

class Resolver : public QObject
{
    Q_OBJECT
public:
    // error empty: address is the first address found.
    using Callback = std::function<void(const QHostAddress &address, const QString &error)>;

    explicit Resolver(std::vector<std::string> dnsServers, QObject *parent = nullptr);

    void resolve(const QString &name, Callback cb);

private:
    void lookupVia(const QString &name, std::size_t server, bool ipv6, Callback cb);

    std::vector<QHostAddress> m_servers;
};

} // namespace osh::runtime
