#include "apiclient.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <QJsonDocument>
#include <QJsonObject>

#include <chrono>
#include <cstdlib>

#include <sys/stat.h>

namespace osh::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using Socket = asio::generic::stream_protocol::socket;

std::string Endpoint::display() const
{
    return kind == Kind::Unix ? "unix:" + path
                              : (tls ? "https://" : "http://") + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":"
            + std::to_string(port);
}

std::optional<Endpoint> Endpoint::parse(const std::string &text, std::string *error)
{
    Endpoint e;
    if (text.rfind("unix:", 0) == 0) {
        e.path = text.substr(5);
        if (e.path.empty() || e.path.front() != '/') {
            *error = "'" + text + "': a unix: endpoint needs an absolute socket path";
            return std::nullopt;
        }
        return e;
    }
    const bool tls = text.rfind("https://", 0) == 0;
    if (!tls && text.rfind("http://", 0) != 0) {
        *error = "'" + text + "' is not an endpoint (expected unix:PATH, http://HOST:PORT or https://HOST:PORT)";
        return std::nullopt;
    }
    e.tls = tls;
    std::string rest = text.substr(tls ? 8 : 7);
    if (const auto slash = rest.find('/'); slash != std::string::npos)
        rest.resize(slash);
    std::string host, port;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
            *error = "'" + text + "': expected http://[ADDRESS]:PORT";
            return std::nullopt;
        }
        host = rest.substr(1, close - 1);
        port = rest.substr(close + 2);
    } else {
        const auto colon = rest.rfind(':');
        if (colon == std::string::npos) {
            *error = "'" + text + "': the port is missing";
            return std::nullopt;
        }
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    char *end = nullptr;
    const unsigned long p = std::strtoul(port.c_str(), &end, 10);
    if (host.empty() || port.empty() || *end != '\0' || p == 0 || p > 65535) {
        *error = "'" + text + "': expected http://HOST:PORT";
        return std::nullopt;
    }
    e.kind = Kind::Tcp;
    // Connections go to addresses only (no resolver is asked); localhost is
    // the one name, and stays the name TLS checks.
    if (host != "localhost") {
        error_code parse;
        asio::ip::make_address(host, parse);
        if (parse) {
            *error = "'" + text + "': the host must be an IP address or localhost";
            return std::nullopt;
        }
    }
    e.host = host;
    e.port = static_cast<std::uint16_t>(p);
    return e;
}

std::optional<Endpoint> Endpoint::fromEnvironment(std::string *error)
{
    error->clear();
    if (const char *env = std::getenv("OPENSHELL_ENDPOINT"); env && *env) {
        auto e = parse(env, error);
        if (e)
            if (const char *t = std::getenv("OPENSHELL_TOKEN"))
                e->token = t;
        if (e)
            if (const char *ca = std::getenv("OPENSHELL_CA"))
                e->caFile = ca;
        return e;
    }
    struct stat st{};
    if (::stat(kDefaultSocket, &st) == 0 && S_ISSOCK(st.st_mode)) {
        Endpoint e;
        e.path = kDefaultSocket;
        return e;
    }
    return std::nullopt;
}

std::string ApiResponse::message() const
{
    if (status == 0)
        return error;
    if (contentType.rfind("application/problem+json", 0) == 0) {
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
        const QString detail = o.value(QStringLiteral("detail")).toString();
        return (detail.isEmpty() ? o.value(QStringLiteral("title")).toString() : detail).toStdString();
    }
    return body.empty() ? "HTTP " + std::to_string(status) : body.substr(0, 2000);
}

std::string ApiResponse::problemType() const
{
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
    const std::string type = o.value(QStringLiteral("type")).toString().toStdString();
    const std::string prefix = "urn:openshell:problem:";
    return type.rfind(prefix, 0) == 0 ? type.substr(prefix.size()) : type;
}

std::string ApiClient::encode(const std::string &value)
{
    static const char *hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

struct ApiClient::Io
{
    asio::io_context io{1};
    Socket socket{io};
    std::unique_ptr<asio::ssl::context> tlsContext;
    std::unique_ptr<asio::ssl::stream<Socket &>> tls; // https endpoints
    beast::flat_buffer buffer;
};

namespace {
// Calls fn with the connection's byte stream: TLS or the plain socket.
template <class Fn>
void withStream(ApiClient::Io &io, Fn &&fn)
{
    if (io.tls)
        fn(*io.tls);
    else
        fn(io.socket);
}
} // namespace

ApiClient::ApiClient(Endpoint endpoint) : m_endpoint(std::move(endpoint)) {}
ApiClient::~ApiClient() = default;

namespace {

// Connects, or says why not in terms a user can act on.
bool connectTo(ApiClient::Io &io, const Endpoint &e, std::chrono::milliseconds timeout, std::string &error)
{
    error_code ec = asio::error::would_block;
    if (e.kind == Endpoint::Kind::Unix) {
        asio::local::stream_protocol::endpoint ep(e.path);
        io.socket.async_connect(asio::generic::stream_protocol::endpoint(ep.data(), ep.size()), [&](error_code c) { ec = c; });
    } else {
        error_code parse;
        const auto addr = asio::ip::make_address(e.host == "localhost" ? std::string("127.0.0.1") : e.host, parse);
        if (parse) {
            error = "'" + e.host + "' is not an IP address";
            return false;
        }
        asio::ip::tcp::endpoint ep(addr, e.port);
        io.socket.async_connect(asio::generic::stream_protocol::endpoint(ep.data(), ep.size(), ep.protocol().protocol()),
                                [&](error_code c) { ec = c; });
    }
    io.io.run_for(timeout);
    if (ec == asio::error::would_block) {
        error = "timed out connecting to " + e.display();
        return false;
    }
    if (ec) {
        error = "cannot connect to openshelld at " + e.display() + ": " + ec.message();
        if (ec == asio::error::access_denied && e.kind == Endpoint::Kind::Unix)
            error += " (the socket is for members of the service's group, usually 'openshell': ask an administrator to add you, "
                     "then log in again)";
        else if (ec == asio::error::not_found || ec == asio::error::connection_refused)
            error += " (is openshelld running? sudo systemctl start openshelld, or scripts/service.sh start)";
        return false;
    }
    io.io.restart();
    if (!e.tls)
        return true;
    // https: the service's certificate must chain to the CA (OPENSHELL_CA, else
    // the system's) and name the host.
    try {
        io.tlsContext = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        io.tlsContext->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1
                                   | asio::ssl::context::no_tlsv1_1);
        if (e.caFile.empty())
            io.tlsContext->set_default_verify_paths();
        else
            io.tlsContext->load_verify_file(e.caFile);
    } catch (const boost::system::system_error &x) {
        error = "cannot use the CA file " + e.caFile + ": " + x.what();
        return false;
    }
    io.tls = std::make_unique<asio::ssl::stream<Socket &>>(io.socket, *io.tlsContext);
    io.tls->set_verify_mode(asio::ssl::verify_peer);
    io.tls->set_verify_callback(asio::ssl::host_name_verification(e.host));
    error_code parse;
    asio::ip::make_address(e.host, parse);
    if (parse) // a name, not an address: say which one (SNI)
        SSL_set_tlsext_host_name(io.tls->native_handle(), e.host.c_str());
    ec = asio::error::would_block;
    io.tls->async_handshake(asio::ssl::stream_base::client, [&](error_code c) { ec = c; });
    io.io.run_for(timeout);
    if (ec) {
        error = ec == asio::error::would_block ? "timed out in the TLS handshake with " + e.display()
                                               : "TLS with " + e.display() + " failed: " + ec.message();
        return false;
    }
    io.io.restart();
    return true;
}

http::request<http::string_body> makeRequest(const Endpoint &e, const std::string &method, const std::string &target,
                                             const std::string &body)
{
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, e.kind == Endpoint::Kind::Unix ? std::string("localhost") : e.host);
    req.set(http::field::user_agent, "openshell-client/1");
    if (!e.token.empty())
        req.set(http::field::authorization, "Bearer " + e.token);
    if (!body.empty())
        req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.keep_alive(false);
    req.prepare_payload();
    return req;
}

void fillHeaders(ApiResponse &r, const http::fields &fields)
{
    for (const auto &f : fields) {
        std::string name(f.name_string());
        for (char &c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
    }
    const auto it = r.headers.find("content-type");
    if (it != r.headers.end())
        r.contentType = it->second;
}

} // namespace

ApiResponse ApiClient::request(const std::string &method, const std::string &target, const std::string &jsonBody, int timeoutMs)
{
    ApiResponse r;
    Io io;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    if (!connectTo(io, m_endpoint, std::chrono::milliseconds(timeoutMs), r.error))
        return r;
    auto req = makeRequest(m_endpoint, method, target, jsonBody);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    error_code ec = asio::error::would_block;
    withStream(io, [&](auto &s) {
        http::async_write(s, req, [&](error_code c, std::size_t) {
            if (c) {
                ec = c;
                return;
            }
            http::async_read(s, io.buffer, parser, [&](error_code c2, std::size_t) { ec = c2; });
        });
    });
    io.io.run_until(deadline);
    if (ec == asio::error::would_block) {
        r.error = "openshelld did not answer " + method + " " + target + " within " + std::to_string(timeoutMs / 1000) + " s";
        return r;
    }
    if (ec) {
        r.error = "openshelld at " + m_endpoint.display() + ": " + ec.message();
        return r;
    }
    auto &msg = parser.get();
    r.status = static_cast<int>(msg.result_int());
    fillHeaders(r, msg);
    r.body = std::move(msg.body());
    return r;
}

bool ApiClient::stream(const std::string &target,
                       const std::function<bool(const std::string &, const std::string &, const std::string &)> &onEvent,
                       std::string *error)
{
    auto io = std::make_shared<Io>();
    {
        std::lock_guard lock(m_lock);
        m_current = io;
        m_cancelled = false;
    }
    auto clear = [&] {
        std::lock_guard lock(m_lock);
        m_current.reset();
    };
    if (!connectTo(*io, m_endpoint, std::chrono::seconds(10), *error)) {
        clear();
        return false;
    }
    auto req = makeRequest(m_endpoint, "GET", target, {});
    req.set(http::field::accept, "text/event-stream");
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    std::string pending; // bytes not yet split into messages
    bool ok = true;
    bool stop = false;
    char chunk[16384];

    // Splits complete messages ("...\n\n") off pending and hands them on.
    auto deliver = [&] {
        for (std::size_t end; !stop && (end = pending.find("\n\n")) != std::string::npos;) {
            const std::string block = pending.substr(0, end);
            pending.erase(0, end + 2);
            std::string event = "message", data, id;
            std::size_t start = 0;
            while (start <= block.size()) {
                const std::size_t nl = std::min(block.find('\n', start), block.size());
                const std::string line = block.substr(start, nl - start);
                start = nl + 1;
                const auto colon = line.find(':');
                if (colon == 0 || line.empty())
                    continue;
                std::string field = line.substr(0, colon), value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
                if (!value.empty() && value.front() == ' ')
                    value.erase(0, 1);
                if (field == "event")
                    event = value;
                else if (field == "data")
                    data += (data.empty() ? "" : "\n") + value;
                else if (field == "id")
                    id = value;
            }
            if (!onEvent(event, data, id))
                stop = true;
        }
    };

    std::function<void()> readMore;
    withStream(*io, [&](auto &sock) {
    readMore = [&] {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        http::async_read_some(sock, io->buffer, parser, [&](error_code ec, std::size_t) {
            if (ec == http::error::need_buffer)
                ec = {};
            pending.append(chunk, sizeof chunk - parser.get().body().size);
            deliver();
            if (stop || m_cancelled)
                return;
            if (ec == http::error::end_of_stream || ec == asio::error::eof || parser.is_done())
                return;
            if (ec) {
                ok = false;
                *error = "the event stream broke: " + ec.message();
                return;
            }
            readMore();
        });
    };
    http::async_write(sock, req, [&](error_code ec, std::size_t) {
        if (ec) {
            ok = false;
            *error = "cannot send the request: " + ec.message();
            return;
        }
        http::async_read_header(sock, io->buffer, parser, [&](error_code ec2, std::size_t) {
            if (ec2) {
                ok = false;
                *error = "no answer from openshelld: " + ec2.message();
                return;
            }
            const int status = static_cast<int>(parser.get().result_int());
            if (status != 200) {
                // A refusal: read its (small) problem body for the message.
                ApiResponse r;
                r.status = status;
                fillHeaders(r, parser.get());
                std::string body;
                for (int i = 0; i < 64 && !parser.is_done(); ++i) {
                    parser.get().body().data = chunk;
                    parser.get().body().size = sizeof chunk;
                    error_code e3;
                    http::read_some(sock, io->buffer, parser, e3);
                    body.append(chunk, sizeof chunk - parser.get().body().size);
                    if (e3 && e3 != http::error::need_buffer)
                        break;
                }
                r.body = body;
                ok = false;
                *error = "HTTP " + std::to_string(status) + ": " + r.message();
                return;
            }
            readMore();
        });
    });
    });
    io->io.run();
    clear();
    return ok;
}

void ApiClient::cancel()
{
    std::lock_guard lock(m_lock);
    m_cancelled = true;
    if (auto io = m_current)
        asio::post(io->io, [io] {
            error_code ec;
            io->socket.shutdown(Socket::shutdown_both, ec);
            io->socket.close(ec);
        });
}

} // namespace osh::service
