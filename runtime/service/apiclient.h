#pragma once
// A client of openshelld's REST API v1, for osctl and the studio: where the
// service is (OPENSHELL_ENDPOINT, else the default socket when it exists),
// requests with deadlines, and event streams (Server-Sent Events) that can
// be cancelled from another thread. Blocking calls: the studio runs them
// off its GUI thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace osh::service {

struct Endpoint
{
    enum class Kind { Unix, Tcp };
    Kind kind = Kind::Unix;
    std::string path; // Unix socket
    std::string host; // TCP
    std::uint16_t port = 0;
    std::string token; // bearer token (TCP)
    bool tls = false;   // https
    std::string caFile; // https: the CA to trust (OPENSHELL_CA); empty: the system's

    std::string display() const; // unix:/run/openshell/api.sock, http://127.0.0.1:8080

    static constexpr const char *kDefaultSocket = "/run/openshell/api.sock";
    // unix:PATH, http://HOST:PORT or https://HOST:PORT.
    static std::optional<Endpoint> parse(const std::string &text, std::string *error);
    // OPENSHELL_ENDPOINT (with OPENSHELL_TOKEN and, for https, OPENSHELL_CA), else the default socket if
    // it exists; nullopt with *error empty when neither, or with *error set
    // when OPENSHELL_ENDPOINT is malformed.
    static std::optional<Endpoint> fromEnvironment(std::string *error);
};

struct ApiResponse
{
    int status = 0;         // 0: no HTTP answer (see error)
    std::string error;      // transport failure: cannot connect, timed out, ...
    std::string contentType;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;

    bool ok() const { return status >= 200 && status < 300; }
    // For a problem (RFC 9457): its detail (else title, else the body);
    // for a transport failure: the error.
    std::string message() const;
    std::string problemType() const; // the slug of urn:openshell:problem:SLUG
};

class ApiClient
{
public:
    explicit ApiClient(Endpoint endpoint);
    ~ApiClient();

    const Endpoint &endpoint() const { return m_endpoint; }

    ApiResponse request(const std::string &method, const std::string &target, const std::string &jsonBody = {},
                        int timeoutMs = 30000);

    // Follows an event stream: onEvent(event, data, id) for each message,
    // until the server closes it (true), onEvent returns false (true),
    // cancel() is called (true), or a failure (false with *error; the HTTP
    // answer's problem when the stream was refused).
    bool stream(const std::string &target,
                const std::function<bool(const std::string &event, const std::string &data, const std::string &id)> &onEvent,
                std::string *error);
    // Thread-safe: ends a stream() in progress.
    void cancel();

    // URL-encodes one query value.
    static std::string encode(const std::string &value);

    struct Io; // one connection's I/O state

private:
    Endpoint m_endpoint;
    std::mutex m_lock;
    std::shared_ptr<Io> m_current; // the stream in progress
    std::atomic<bool> m_cancelled{false};
};

} // namespace osh::service
