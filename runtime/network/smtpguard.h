#pragma once
// Watches the plaintext part of an SMTP dialogue through a tunnel whose rule
// says tls_required: until the client has sent STARTTLS and the server has
// answered it with 220, no envelope, data or authentication command (MAIL,
// RCPT, DATA, BDAT, AUTH) may reach the server, so no message and no password
// travels in clear. Client lines are released only when complete and
// checked; server replies are matched to commands in order (pipelining),
// so a 220 is only taken as the answer to STARTTLS when it is.

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace osh::runtime {

class SmtpGuard
{
public:
    static constexpr std::size_t kMaxLine = 4096;

    struct ClientOutcome
    {
        std::string forward;            // checked bytes to send to the server now
        std::optional<std::string> cut; // set: cut the connection, send nothing more
    };

    // Client -> server bytes.
    ClientOutcome onClientData(std::string_view data);
    // Server -> client bytes (the caller forwards them unchanged). Returns a
    // cut reason when the server's replies cannot be followed.
    std::optional<std::string> onServerData(std::string_view data);

    // STARTTLS succeeded: the rest of both streams is opaque TLS.
    bool tlsStarted() const { return m_state == State::Tls; }
    // Client bytes that arrived after STARTTLS, held until the server's
    // answer (the start of the client's TLS handshake); forward them after
    // tlsStarted() turns true.
    std::string takeHeld() { return std::exchange(m_held, {}); }

private:
    enum class State { Plain, AwaitingStartTls, Tls };
    std::optional<std::string> checkCommand(std::string_view line);

    State m_state = State::Plain;
    bool m_greeted = false;
    std::deque<bool> m_outstanding; // per forwarded command: is it STARTTLS
    std::string m_clientLine;
    std::string m_serverLine;
    std::string m_held;
};

} // namespace osh::runtime
