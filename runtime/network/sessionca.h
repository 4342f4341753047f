#pragma once
// A certificate authority that lives for one sandbox session, so the network
// guardian can terminate the sandbox's TLS and inspect HTTPS requests. The
// sandbox trusts only this session's CA certificate; the CA key is generated
// in memory, is never exported and dies with the object, so a certificate
// minted for one session is worthless in any other session or outside the
// sandbox. Worker threads ask for a server context per CONNECT host; the
// upstream side (proxy -> real server) uses upstreamContext().
//
// OpenSSL 3.0 only; no Qt. Every member function is thread-safe.

#include <openssl/types.h>

#include <cstddef>
#include <ctime>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace osh::runtime {

class SessionCa
{
public:
    // Generates the CA key (EC P-256) and its self-signed certificate, valid
    // from one hour ago (clock skew) for seven days. Returns null and sets
    // *error on failure.
    static std::unique_ptr<SessionCa> create(const std::string &commonName, std::string *error);

    ~SessionCa();
    SessionCa(const SessionCa &) = delete;
    SessionCa &operator=(const SessionCa &) = delete;

    // The CA certificate in PEM, to install as the sandbox's only trust anchor.
    std::string certificatePem() const;

    // A TLS server context presenting a leaf certificate for exactly `host`
    // (a DNS name or an IPv4/IPv6 literal, without brackets) chained to this
    // CA. Refuses anything else, including wildcards. Cached per host.
    std::shared_ptr<SSL_CTX> serverContext(const std::string &host, std::string *error);

    // Server contexts currently cached (at most kMaxCachedContexts).
    std::size_t cachedContexts() const;
    static constexpr std::size_t kMaxCachedContexts = 256;

    // A TLS client context for the real destination: TLS 1.2 or later, peer
    // verification on, trusting the host's default store when caFile is empty
    // and only the PEM certificates of caFile otherwise. Cached per caFile.
    // Pair it with TlsStream::connect, which adds the host name check.
    static std::shared_ptr<SSL_CTX> upstreamContext(const std::string &caFile, std::string *error);

    // The normalized form of a host a certificate can be minted for: a
    // lower-cased DNS name without a trailing dot, or an IP literal in its
    // canonical text form. Empty (with *error set) if `host` is neither.
    static std::string normalizeHost(const std::string &host, bool *isIp, std::string *error);

private:
    struct PkeyFree
    {
        void operator()(EVP_PKEY *key) const;
    };
    struct X509Free
    {
        void operator()(X509 *cert) const;
    };
    struct CacheEntry
    {
        std::string host;
        std::shared_ptr<SSL_CTX> context;
    };

    SessionCa() = default;
    std::shared_ptr<SSL_CTX> mint(const std::string &host, bool isIp, std::string *error) const;

    std::unique_ptr<EVP_PKEY, PkeyFree> m_caKey;
    std::unique_ptr<X509, X509Free> m_caCert;
    // One leaf key for every host of this session: see mint().
    std::unique_ptr<EVP_PKEY, PkeyFree> m_leafKey;
    std::time_t m_caNotAfter = 0;
    std::string m_caPem;

    mutable std::mutex m_mutex;
    std::list<CacheEntry> m_lru; // most recently used first
    std::unordered_map<std::string, std::list<CacheEntry>::iterator> m_index;
};

} // namespace osh::runtime
