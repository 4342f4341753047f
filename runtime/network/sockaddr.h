#pragma once
// A QHostAddress and port as the sockaddr that bind(2) and connect(2) take.

#include <QHostAddress>

#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>

namespace osh::runtime {

// Fills ss and returns its length (IPv4 or IPv6 by the address).
inline socklen_t toSockaddr(const QHostAddress &address, quint16 port, sockaddr_storage &ss)
{
    ss = sockaddr_storage{};
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        const Q_IPV6ADDR raw = address.toIPv6Address();
        std::memcpy(&a->sin6_addr, &raw, 16);
        return sizeof(sockaddr_in6);
    }
    auto *a = reinterpret_cast<sockaddr_in *>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(address.toIPv4Address());
    return sizeof(sockaddr_in);
}

} // namespace osh::runtime
