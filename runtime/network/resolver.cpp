#include "resolver.h"

#include <QDnsLookup>
#include <QHostInfo>

namespace osh::runtime {

Resolver::Resolver(std::vector<std::string> dnsServers, QObject *parent) : QObject(parent)
{
    for (const auto &s : dnsServers) {
        QHostAddress a;
        if (a.setAddress(QString::fromStdString(s)))
            m_servers.push_back(a);
    }
}

void Resolver::resolve(const QString &name, Callback cb)
{
    if (!m_servers.empty()) {
        lookupVia(name, 0, false, std::move(cb));
        return;
    }
    QHostInfo::lookupHost(name, this, [cb = std::move(cb)](const QHostInfo &info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            cb({}, info.errorString().isEmpty() ? QStringLiteral("no address") : info.errorString());
            return;
        }
        cb(info.addresses(), {});
    });
}

void Resolver::lookupVia(const QString &name, std::size_t server, bool ipv6, Callback cb)
{
    auto *lookup = new QDnsLookup(ipv6 ? QDnsLookup::AAAA : QDnsLookup::A, name, m_servers[server], this);
    connect(lookup, &QDnsLookup::finished, this, [this, lookup, name, server, ipv6, cb = std::move(cb)]() {
        lookup->deleteLater();
        const auto records = lookup->hostAddressRecords();
        if (lookup->error() == QDnsLookup::NoError && !records.isEmpty()) {
            QList<QHostAddress> answer;
            for (const auto &r : records)
                answer.append(r.value());
            cb(answer, {});
            return;
        }
        // No A record: try AAAA on the same server. (Qt 6.4 reports an
        // answer without records, NODATA, as an invalid reply.)
        if (!ipv6 && (lookup->error() == QDnsLookup::NoError || lookup->error() == QDnsLookup::InvalidReplyError)) {
            lookupVia(name, server, true, cb);
            return;
        }
        if (server + 1 < m_servers.size()) {
            lookupVia(name, server + 1, false, cb);
            return;
        }
        cb({}, lookup->errorString().isEmpty() ? QStringLiteral("no address") : lookup->errorString());
    });
    lookup->lookup();
}

} // namespace osh::runtime
