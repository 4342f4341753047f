#pragma once
// Resolves the names the engine allowed and that the policy's hosts map does
// not pin: through allowed_dns_servers when the policy lists any (asked in
// order, A then AAAA), otherwise through the host's resolver. It is only
// ever asked after everything that does not need the address has passed
// (rules, dns_filtering, network_egress policies), so a name the policy
// refuses never leaves the machine as a DNS query.

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace osh::runtime {

class Resolver : public QObject
{
    Q_OBJECT
public:
    // error empty: addresses is the whole answer (never empty), in its order.
    using Callback = std::function<void(const QList<QHostAddress> &addresses, const QString &error)>;

    explicit Resolver(std::vector<std::string> dnsServers, QObject *parent = nullptr);

    void resolve(const QString &name, Callback cb);

private:
    void lookupVia(const QString &name, std::size_t server, bool ipv6, Callback cb);

    std::vector<QHostAddress> m_servers;
};

} // namespace osh::runtime
