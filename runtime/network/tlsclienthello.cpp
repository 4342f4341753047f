#include "tlsclienthello.h"

#include <cstdint>
#include <set>

namespace osh::runtime {

namespace {

class Reader
{
public:
    explicit Reader(std::string_view d) : m_d(d) {}
    bool u8(std::uint32_t &v) { return take(1, v); }
    bool u16(std::uint32_t &v) { return take(2, v); }
    bool u24(std::uint32_t &v) { return take(3, v); }
    bool bytes(std::size_t n, std::string_view &out)
    {
        if (m_d.size() - m_pos < n)
            return false;
        out = m_d.substr(m_pos, n);
        m_pos += n;
        return true;
    }
    bool skip(std::size_t n)
    {
        std::string_view dummy;
        return bytes(n, dummy);
    }
    std::size_t left() const { return m_d.size() - m_pos; }

private:
    bool take(std::size_t n, std::uint32_t &v)
    {
        if (m_d.size() - m_pos < n)
            return false;
        v = 0;
        for (std::size_t i = 0; i < n; ++i)
            v = (v << 8) | static_cast<unsigned char>(m_d[m_pos + i]);
        m_pos += n;
        return true;
    }
    std::string_view m_d;
    std::size_t m_pos = 0;
};

TlsClientHello::Result invalid(std::string why)
{
    TlsClientHello::Result r;
    r.status = TlsClientHello::Status::Invalid;
    r.error = std::move(why);
    return r;
}

} // namespace

TlsClientHello::Result TlsClientHello::parse(std::string_view data)
{
    // Gather the handshake bytes from consecutive handshake records.
    std::string hs;
    std::size_t pos = 0;
    std::size_t need = 0; // full handshake message length, once known
    while (true) {
        if (data.size() - pos < 5) {
            if (pos == 0 && !data.empty() && static_cast<unsigned char>(data[0]) != 0x16)
                return invalid("first bytes are not a TLS handshake record");
            return {};
        }
        const auto type = static_cast<unsigned char>(data[pos]);
        const auto major = static_cast<unsigned char>(data[pos + 1]);
        const auto minor = static_cast<unsigned char>(data[pos + 2]);
        const std::size_t len = (static_cast<unsigned char>(data[pos + 3]) << 8) | static_cast<unsigned char>(data[pos + 4]);
        if (type != 0x16)
            return invalid("first bytes are not a TLS handshake record");
        if (major != 3 || minor > 4)
            return invalid("unknown TLS record version");
        if (len == 0 || len > 16384 + 2048)
            return invalid("bad TLS record length");
        if (data.size() - pos - 5 < len)
            return {};
        hs.append(data.substr(pos + 5, len));
        pos += 5 + len;
        if (hs.size() >= 4 && need == 0) {
            if (static_cast<unsigned char>(hs[0]) != 0x01)
                return invalid("first handshake message is not a ClientHello");
            need = 4 + ((static_cast<unsigned char>(hs[1]) << 16) | (static_cast<unsigned char>(hs[2]) << 8)
                        | static_cast<unsigned char>(hs[3]));
            if (need > kMaxHandshakeBytes)
                return invalid("ClientHello too large");
        }
        if (need != 0 && hs.size() >= need) {
            if (hs.size() != need)
                return invalid("data after the ClientHello in its records");
            break;
        }
    }

    Result r;
    r.recordBytes = pos;
    Reader rd(std::string_view(hs).substr(4));
    std::uint32_t version = 0, n = 0;
    if (!rd.u16(version) || (version >> 8) != 3)
        return invalid("bad ClientHello version");
    if (!rd.skip(32))
        return invalid("truncated ClientHello random");
    if (!rd.u8(n) || n > 32 || !rd.skip(n))
        return invalid("bad session id");
    if (!rd.u16(n) || n < 2 || n % 2 != 0 || !rd.skip(n))
        return invalid("bad cipher suites");
    if (!rd.u8(n) || n < 1 || !rd.skip(n))
        return invalid("bad compression methods");
    if (rd.left() == 0) {
        r.status = Status::Complete; // no extensions, so no SNI
        return r;
    }
    std::uint32_t extLen = 0;
    if (!rd.u16(extLen) || extLen != rd.left())
        return invalid("bad extensions length");
    std::set<std::uint32_t> seen;
    while (rd.left() > 0) {
        std::uint32_t type = 0, len = 0;
        std::string_view body;
        if (!rd.u16(type) || !rd.u16(len) || !rd.bytes(len, body))
            return invalid("truncated extension");
        if (!seen.insert(type).second)
            return invalid("duplicated TLS extension");
        if (type != 0)
            continue;
        Reader sn(body);
        std::uint32_t listLen = 0;
        if (!sn.u16(listLen) || listLen != sn.left() || listLen == 0)
            return invalid("bad server_name list");
        while (sn.left() > 0) {
            std::uint32_t nameType = 0, nameLen = 0;
            std::string_view name;
            if (!sn.u8(nameType) || !sn.u16(nameLen) || !sn.bytes(nameLen, name))
                return invalid("truncated server_name entry");
            if (nameType != 0)
                continue;
            if (r.serverName)
                return invalid("more than one host_name in server_name");
            if (name.empty())
                return invalid("empty host_name");
            for (char c : name)
                if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                    return invalid("host_name with non-printable bytes");
            r.serverName = std::string(name);
        }
    }
    r.status = Status::Complete;
    return r;
}

} // namespace osh::runtime
