#pragma once
// Where openshelld forwards its audit events, and the bytes it sends there.
//
// Destinations (openshelld --forward URL):
//   syslog://HOST:PORT[?format=ocsf|cef&peer_uid=N&max_message=BYTES]  RFC 5424 over TCP
//   syslog+tls://HOST:PORT[?format=..&ca=FILE]      the same over TLS (RFC 5425)
//   http://HOST:PORT/PATH[?token_file=FILE&peer_uid=N] OCSF JSON batches, POST
//   https://HOST:PORT/PATH[?token_file=FILE&ca=FILE]
// Plain transports are for loopback collectors only: audit records and a
// bearer token do not cross a network in clear text. And since any local
// user can listen on a loopback port the collector left free, the socket
// at the other end must belong to uid peer_uid (default 0), checked on
// every connection before anything is sent. The token is read from a file
// so that it never appears in a process listing or in status output.
//
// Syslog messages are framed by octet counting (RFC 6587 3.4.1: "LEN SP
// MSG"), one message per OCSF object (an event, and its Detection Finding
// when it has one) or one CEF record per event. The dedup id of every
// message is the OCSF metadata.uid ("SESSION#SEQ", "#finding" appended for
// a finding), also in the structured data and as CEF externalId.
//
// No syslog message is longer than max_message bytes (default 8 KiB, what
// rsyslog accepts by default): a collector that cuts a longer message may
// take the rest for a message of its own, whose text an agent would have
// written. An event that does not fit goes out with its largest fields
// (trace, request, parameters, message) replaced by their size and SHA-256.

#include "audit/auditevent.h"
#include "audit/ocsf.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace osh::service {

struct ForwardTarget
{
    enum class Kind { Syslog, Http };
    enum class Format { Ocsf, Cef };

    Kind kind = Kind::Syslog;
    Format format = Format::Ocsf;
    bool tls = false;
    std::string host; // a name or an IP literal, without brackets
    std::uint16_t port = 0;
    std::string path = "/"; // http(s): the request target
    std::string caFile;     // TLS: trust only these certificates (else the host's store)
    std::string tokenFile;  // http(s): the bearer token's file
    unsigned peerUid = 0;   // plain transports: who must own the collector's socket
    std::size_t maxMessage = kDefaultMaxMessage; // syslog: bytes of one message, framing excluded

    static constexpr std::size_t kDefaultMaxMessage = 8192;
    static constexpr std::size_t kMinMaxMessage = 2048;
    static constexpr std::size_t kMaxMaxMessage = 1 << 20;
    std::string display;    // the URL as given, for status and logs

    // Checks everything but the files' contents; *error names the part.
    static std::optional<ForwardTarget> parse(const std::string &url, std::string *error);
};

// Whether host is a loopback address literal (127.0.0.0/8, ::1); names do
// not count, whatever they resolve to.
bool isLoopbackHost(const std::string &host);

struct SyslogHeader
{
    std::string hostname; // sanitised to printable ASCII, "-" when empty
    std::string appName = "openshelld";
    long procId = 0;
};

// One RFC 5424 message (without framing) for an event: facility "log audit"
// (13), severity from the event's, MSGID its type, structured data
// [openshell@32473 uid= session= seq= chain=], msg the payload.
std::string syslogMessage(const SyslogHeader &h, const AuditEvent &e, const std::string &uid,
                          std::string_view payload);
// "LEN SP MSG".
void appendOctetCounted(std::string &out, const std::string &message);

// The event as one CEF:0 record (header fields and extension escaped as the
// CEF specification asks).
std::string cefRecord(const AuditEvent &e, const std::string &productVersion);

// Appends the syslog frames of one event in the target's format, each at
// most t.maxMessage bytes (see above).
void appendSyslogFrames(std::string &out, const ForwardTarget &t, const SyslogHeader &h, const AuditEvent &e,
                        const audit::OcsfContext &ctx, const std::string &productVersion);

} // namespace osh::service
