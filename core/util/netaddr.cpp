#include "netaddr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace osh::net {

std::string IpAddress::toString() const
{
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
    return buf;
}

std::optional<IpAddress> parseIp(std::string_view text)
{
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() > 45)
        return std::nullopt;
    char buf[64];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress ip;
    if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1)
        return ip;
    // Zone ids (fe80::1%eth0) name a link-local address.
    if (char *pct = std::strchr(buf, '%'))
        *pct = '\0';
    if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
        ip.v6 = true;
        return ip;
    }
    return std::nullopt;
}

std::optional<IpAddress> parseIpLenient(std::string_view text)
{
    if (auto ip = parseIp(text))
        return ip;
    if (text.empty() || text.size() > 40)
        return std::nullopt;
    char buf[48];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    in_addr a{};
    if (inet_aton(buf, &a) == 1) {
        IpAddress ip;
        std::memcpy(ip.bytes.data(), &a.s_addr, 4);
        return ip;
    }
    return std::nullopt;
}

namespace {

AddressClass classifyV4(const std::uint8_t *b)
{
    const std::uint32_t a = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
    auto in = [a](std::uint32_t net, int prefix) {
        const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
        return (a & mask) == net;
    };
    if (in(0x7f000000, 8)) return AddressClass::Loopback;
    if (in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16)) return AddressClass::Private;
    if (in(0xa9fe0000, 16)) return AddressClass::LinkLocal;
    if (in(0x64400000, 10)) return AddressClass::Cgnat;
    if (in(0xe0000000, 4)) return AddressClass::Multicast;
    if (in(0x00000000, 8)) return AddressClass::Unspecified;
    if (in(0xf0000000, 4) || in(0xc0000000, 24) || in(0xc6120000, 15)) return AddressClass::Reserved;
    return AddressClass::Public;
}

bool allZero(const std::uint8_t *b, int n)
{
    for (int i = 0; i < n; ++i)
        if (b[i])
            return false;
    return true;
}

} // namespace

std::string_view addressClassName(AddressClass c)
{
    switch (c) {
    case AddressClass::Public: return "public";
    case AddressClass::Loopback: return "loopback";
    case AddressClass::Private: return "private";
    case AddressClass::LinkLocal: return "link-local";
    case AddressClass::Cgnat: return "cgnat";
    case AddressClass::Multicast: return "multicast";
    case AddressClass::Unspecified: return "unspecified";
    case AddressClass::Reserved: return "reserved";
    }
    return "public";
}

AddressClass classify(const IpAddress &ip)
{
    const auto *b = ip.bytes.data();
    if (!ip.v6)
        return classifyV4(b);
    if (allZero(b, 16))
        return AddressClass::Unspecified;
    if (allZero(b, 15) && b[15] == 1)
        return AddressClass::Loopback;
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible)
    if (allZero(b, 10) && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)))
        return classifyV4(b + 12);
    // 64:ff9b::/96 NAT64 and 64:ff9b:1::/48 local-use NAT64
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        return classifyV4(b + 12);
    // 2002:AABB:CCDD::/48 6to4 embeds the IPv4 address in bytes 2..5
    if (b[0] == 0x20 && b[1] == 0x02)
        return classifyV4(b + 2);
    if ((b[0] & 0xfe) == 0xfc)
        return AddressClass::Private;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return AddressClass::LinkLocal;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return AddressClass::Private; // deprecated site-local fec0::/10
    if (b[0] == 0xff)
        return AddressClass::Multicast;
    return AddressClass::Public;
}

bool isCloudMetadata(const IpAddress &ip)
{
    static constexpr std::uint8_t kV4[][4] = {{169, 254, 169, 254}, {169, 254, 170, 2}, {100, 100, 100, 200}, {192, 0, 0, 192}};
    static constexpr std::uint8_t kAwsV6[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
    const auto *b = ip.bytes.data();
    const std::uint8_t *v4 = nullptr;
    if (!ip.v6)
        v4 = b;
    else if (std::memcmp(b, kAwsV6, 16) == 0)
        return true;
    // The same embeddings classify() looks through.
    else if (allZero(b, 10) && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)))
        v4 = b + 12;
    else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        v4 = b + 12;
    else if (b[0] == 0x20 && b[1] == 0x02)
        v4 = b + 2;
    if (!v4)
        return false;
    for (const auto &m : kV4)
        if (std::memcmp(v4, m, 4) == 0)
            return true;
    return false;
}

std::optional<Cidr> Cidr::parse(std::string_view text)
{
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    auto ip = parseIp(text.substr(0, slash));
    if (!ip)
        return std::nullopt;
    int prefix = -1;
    const auto p = text.substr(slash + 1);
    const auto res = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (res.ec != std::errc() || res.ptr != p.data() + p.size() || prefix < 0 || prefix > (ip->v6 ? 128 : 32))
        return std::nullopt;
    return Cidr{*ip, prefix};
}

bool Cidr::contains(const IpAddress &ip) const
{
    if (ip.v6 != base.v6)
        return false;
    int bits = prefix;
    for (int i = 0; bits > 0; ++i, bits -= 8) {
        const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((ip.bytes[i] & mask) != (base.bytes[i] & mask))
            return false;
    }
    return true;
}

bool isValidHostName(std::string_view name)
{
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t label = 0;
    char prev = '.';
    for (char c : name) {
        if (c == '.') {
            if (label == 0 || prev == '-')
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                   || (c >= 'A' && c <= 'Z')) {
            if (label == 0 && c == '-')
                return false;
            if (++label > 63)
                return false;
        } else {
            return false;
        }
        prev = c;
    }
    return label > 0 && prev != '-';
}

std::string normalizeHost(std::string_view host)
{
    std::string out(host);
    if (!out.empty() && out.back() == '.')
        out.pop_back();
    for (auto &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace osh::net
