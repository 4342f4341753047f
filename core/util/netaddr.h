#pragma once
// IP address parsing and classification for the network guardian: which
// destinations are loopback, private, link-local, CGNAT, multicast or
// unspecified (spec section 3, block_private_ranges), including the
// spellings a resolver accepts that hide them (127.1, 0x7f000001,
// 2130706433, ::ffff:10.0.0.1, 64:ff9b::a00:1, 2002:0a00:0001::).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace osh::net {

struct IpAddress
{
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{}; // v4 uses the first 4

    std::string toString() const;
    friend bool operator==(const IpAddress &, const IpAddress &) = default;
};

// Strict textual forms (dotted quad, RFC 4291); IPv6 may be in brackets.
std::optional<IpAddress> parseIp(std::string_view text);
// Also every legacy IPv4 form inet_aton accepts (127.1, 0177.0.0.1, 0x7f000001, 2130706433).
std::optional<IpAddress> parseIpLenient(std::string_view text);

enum class AddressClass : std::uint8_t {
    Public,
    Loopback,    // 127/8, ::1
    Private,     // 10/8, 172.16/12, 192.168/16, fc00::/7
    LinkLocal,   // 169.254/16 (incl. cloud metadata), fe80::/10
    Cgnat,       // 100.64/10
    Multicast,   // 224/4, ff00::/8
    Unspecified, // 0/8, ::
    Reserved,    // 240/4, 255.255.255.255, 192.0.0/24, 198.18/15
};

std::string_view addressClassName(AddressClass c);

// Classifies an address; IPv4 embedded in IPv6 (mapped, compatible, NAT64,
// 6to4) is classified by its IPv4 part.
AddressClass classify(const IpAddress &ip);
inline bool isBlockedByPrivateRanges(AddressClass c) { return c != AddressClass::Public; }
// Cloud instance metadata services (169.254.169.254, 169.254.170.2,
// 100.100.100.200, 192.0.0.192, fd00:ec2::254), also inside IPv6 forms.
bool isCloudMetadata(const IpAddress &ip);

struct Cidr
{
    IpAddress base;
    int prefix = 0;
    static std::optional<Cidr> parse(std::string_view text);
    bool contains(const IpAddress &ip) const;
};

// Host name rules: lower-case ASCII labels of [a-z0-9-], 1..63 chars, total <= 253.
bool isValidHostName(std::string_view name);
// Lower-cases and strips one trailing dot.
std::string normalizeHost(std::string_view host);

} // namespace osh::net
