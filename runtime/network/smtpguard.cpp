#include "smtpguard.h"

#include <algorithm>
#include <utility>

namespace osh::runtime {

namespace {

std::string verbOf(std::string_view line)
{
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    std::string v;
    for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':')
            break;
        v += c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
    }
    return v;
}

} // namespace

std::optional<std::string> SmtpGuard::checkCommand(std::string_view line)
{
    const std::string verb = verbOf(line);
    static constexpr std::string_view kBefore[] = {"MAIL", "RCPT", "DATA", "BDAT", "AUTH", "SEND", "SOML", "SAML"};
    if (std::find(std::begin(kBefore), std::end(kBefore), verb) != std::end(kBefore))
        return "SMTP " + verb + " before a successful STARTTLS (tls_required)";
    m_outstanding.push_back(verb == "STARTTLS");
    if (verb == "STARTTLS")
        m_state = State::AwaitingStartTls;
    return std::nullopt;
}

SmtpGuard::ClientOutcome SmtpGuard::onClientData(std::string_view data)
{
    ClientOutcome out;
    if (m_state == State::Tls) {
        out.forward = std::string(data);
        return out;
    }
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (m_state == State::AwaitingStartTls) {
            m_held.append(data.substr(pos));
            if (m_held.size() > 64 * 1024)
                out.cut = "client sent more than 64 KiB before the server answered STARTTLS";
            return out;
        }
        const auto nl = data.find('\n', pos);
        if (nl == std::string_view::npos) {
            m_clientLine.append(data.substr(pos));
            if (m_clientLine.size() > kMaxLine)
                out.cut = "SMTP command line longer than 4096 bytes";
            return out;
        }
        m_clientLine.append(data.substr(pos, nl + 1 - pos));
        pos = nl + 1;
        if (m_clientLine.size() > kMaxLine) {
            out.cut = "SMTP command line longer than 4096 bytes";
            return out;
        }
        if (auto why = checkCommand(m_clientLine)) {
            out.cut = std::move(why);
            return out;
        }
        out.forward += m_clientLine;
        m_clientLine.clear();
    }
    return out;
}

std::optional<std::string> SmtpGuard::onServerData(std::string_view data)
{
    if (m_state == State::Tls)
        return std::nullopt;
    std::size_t pos = 0;
    while (pos < data.size()) {
        const auto nl = data.find('\n', pos);
        if (nl == std::string_view::npos) {
            m_serverLine.append(data.substr(pos));
            if (m_serverLine.size() > kMaxLine)
                return "SMTP reply line longer than 4096 bytes";
            return std::nullopt;
        }
        m_serverLine.append(data.substr(pos, nl + 1 - pos));
        pos = nl + 1;
        const std::string line = std::exchange(m_serverLine, {});
        const bool digits = line.size() >= 3 && std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; });
        if (!digits)
            return "malformed SMTP reply";
        if (line.size() > 3 && line[3] == '-')
            continue; // continuation of a multi-line reply
        const bool is220 = line.compare(0, 3, "220") == 0;
        if (!m_greeted) {
            m_greeted = true;
            continue;
        }
        if (m_outstanding.empty())
            return "SMTP reply without a command";
        const bool wasStartTls = m_outstanding.front();
        m_outstanding.pop_front();
        if (!wasStartTls)
            continue;
        if (is220) {
            m_state = State::Tls;
            // Anything after the 220 in this read is already TLS.
            return std::nullopt;
        }
        // STARTTLS refused: back to plain text; the client may not have sent anything else.
        m_state = State::Plain;
        if (!m_held.empty())
            return "client sent data after a refused STARTTLS";
    }
    return std::nullopt;
}

} // namespace osh::runtime
