#pragma once
// Recognises a TLS ClientHello at the start of a tunnel and extracts its
// server_name (RFC 8446 4.1.2, RFC 6066 3). The proxy only forwards a tunnel
// whose first flight is a well-formed ClientHello, so "https" cannot be used
// to carry arbitrary bytes, and the SNI must name the host the rules allowed.
// The handshake message may span several records; anything that is not
// exactly a ClientHello (other record types, a duplicated extension, two
// host names, bytes past the declared lengths) is refused.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace osh::runtime {

class TlsClientHello
{
public:
    enum class Status { NeedMore, Complete, Invalid };
    struct Result
    {
        Status status = Status::NeedMore;
        std::optional<std::string> serverName; // host_name entry, as sent
        std::size_t recordBytes = 0;           // bytes of the records holding the ClientHello
        std::string error;
    };

    // Largest ClientHello accepted; real ones stay well below.
    static constexpr std::size_t kMaxHandshakeBytes = 64 * 1024;

    static Result parse(std::string_view data);
};

} // namespace osh::runtime
