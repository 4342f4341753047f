#include "sessionca.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>

namespace osh::runtime {

namespace {

constexpr long kDaySeconds = 24 * 60 * 60;
constexpr long kValidityDays = 7;
// Certificates start an hour in the past so a sandbox whose clock runs a bit
// behind still accepts them.
constexpr long kBackdateSeconds = 60 * 60;
// X.509 upper bound for a commonName (RFC 5280 ub-common-name).
constexpr std::size_t kMaxCommonName = 64;
// upstreamContext() caches per CA file; the set of files comes from the
// configuration and stays tiny, the bound only guards against misuse.
constexpr std::size_t kMaxUpstreamContexts = 16;

template<auto Fn>
struct Free
{
    template<class T>
    void operator()(T *p) const { Fn(p); }
};
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using AsnIntPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using NamePtr = std::unique_ptr<GENERAL_NAME, Free<GENERAL_NAME_free>>;
using CtxPtr = std::unique_ptr<SSL_CTX, Free<SSL_CTX_free>>;

// The reasons queued by OpenSSL on this thread, oldest (the root cause) first.
std::string takeOpensslErrors()
{
    std::string out;
    int kept = 0;
    while (const unsigned long e = ERR_get_error()) {
        if (kept++ >= 3)
            continue; // drain the rest
        const char *reason = ERR_reason_error_string(e);
        const std::string text = reason ? reason : "error code " + std::to_string(e);
        if (out.find(text) != std::string::npos)
            continue;
        out += out.empty() ? "" : "; ";
        out += text;
    }
    return out.empty() ? std::string("unknown OpenSSL error") : out;
}

template<class T>
T fail(std::string *error, const std::string &what)
{
    const std::string reason = takeOpensslErrors();
    if (error)
        *error = what + ": " + reason;
    return T{};
}

void setError(std::string *error, std::string text)
{
    if (error)
        *error = std::move(text);
}

PkeyPtr generateKey()
{
    return PkeyPtr(EVP_EC_gen("P-256"));
}

// 128 random bits: serials must be unpredictable (CA/B Forum asks for 64 bits
// of entropy) so nobody can precompute a colliding certificate.
bool setRandomSerial(X509 *cert)
{
    unsigned char bytes[16];
    BnPtr bn;
    do {
        if (RAND_bytes(bytes, sizeof bytes) != 1)
            return false;
        bn.reset(BN_bin2bn(bytes, sizeof bytes, nullptr));
        if (!bn)
            return false;
    } while (BN_is_zero(bn.get()));
    AsnIntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    return serial && X509_set_serialNumber(cert, serial.get()) == 1;
}

bool addNameEntry(X509_NAME *name, int nid, const std::string &value)
{
    return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(value.data()),
                                      static_cast<int>(value.size()), -1, 0)
        == 1;
}

bool setSubject(X509 *cert, const std::string &commonName)
{
    X509_NAME *name = X509_get_subject_name(cert); // owned by cert
    return name && addNameEntry(name, NID_organizationName, "OpenShell")
        && addNameEntry(name, NID_commonName, commonName);
}

bool setValidity(X509 *cert, std::time_t notBefore, std::time_t notAfter)
{
    return ASN1_TIME_set(X509_getm_notBefore(cert), notBefore) && ASN1_TIME_set(X509_getm_notAfter(cert), notAfter);
}

bool addExtension(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
    ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// The subjectAltName is built from typed values rather than a config string,
// so no character of the host can be read as syntax.
bool addSubjectAltName(X509 *cert, const std::string &host, bool isIp)
{
    NamePtr name(GENERAL_NAME_new());
    if (!name)
        return false;
    if (isIp) {
        ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host.c_str());
        if (!ip)
            return false;
        GENERAL_NAME_set0_value(name.get(), GEN_IPADD, ip);
    } else {
        ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
        if (!dns)
            return false;
        if (ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) != 1) {
            ASN1_IA5STRING_free(dns);
            return false;
        }
        GENERAL_NAME_set0_value(name.get(), GEN_DNS, dns);
    }
    NamesPtr names(GENERAL_NAMES_new());
    if (!names || sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
        return false;
    name.release(); // now owned by names
    return X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

std::string toPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return {};
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return size > 0 && data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

// ALPN on the sandbox side: the inspecting proxy speaks HTTP/1.1 only, so h2
// is never chosen. A client that does not offer http/1.1 gets no ALPN answer
// (it may still speak HTTP/1.1 by default) rather than a protocol we cannot
// inspect.
int selectHttp11(SSL *, const unsigned char **out, unsigned char *outlen, const unsigned char *in, unsigned int inlen,
                 void *)
{
    static constexpr unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
    for (unsigned int i = 0; i < inlen;) {
        const unsigned int len = in[i];
        if (len == 0 || i + 1 + len > inlen)
            break; // malformed list: choose nothing
        if (len == sizeof kHttp11 && std::memcmp(in + i + 1, kHttp11, len) == 0) {
            *out = in + i + 1;
            *outlen = static_cast<unsigned char>(len);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + len;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

// Options shared by both sides. An EOF without close_notify is reported as a
// plain end of stream (many servers close that way); renegotiation and
// compression stay off.
constexpr std::uint64_t kCommonOptions = SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION;

bool isDnsLabelChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

} // namespace

void SessionCa::PkeyFree::operator()(EVP_PKEY *key) const
{
    EVP_PKEY_free(key);
}

void SessionCa::X509Free::operator()(X509 *cert) const
{
    X509_free(cert);
}

SessionCa::~SessionCa() = default;

std::unique_ptr<SessionCa> SessionCa::create(const std::string &commonName, std::string *error)
{
    using Result = std::unique_ptr<SessionCa>;
    ERR_clear_error();
    std::unique_ptr<SessionCa> ca(new SessionCa);

    PkeyPtr key = generateKey();
    if (!key)
        return fail<Result>(error, "cannot generate the CA key");
    X509Ptr cert(X509_new());
    if (!cert)
        return fail<Result>(error, "cannot allocate the CA certificate");

    const std::time_t now = std::time(nullptr);
    ca->m_caNotAfter = now + kValidityDays * kDaySeconds;
    if (X509_set_version(cert.get(), X509_VERSION_3) != 1 || !setRandomSerial(cert.get())
        || !setValidity(cert.get(), now - kBackdateSeconds, ca->m_caNotAfter)
        || X509_set_pubkey(cert.get(), key.get()) != 1)
        return fail<Result>(error, "cannot build the CA certificate");
    if (!setSubject(cert.get(), commonName)
        || X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1)
        return fail<Result>(error, "invalid CA name \"" + commonName + "\"");

    // pathlen:0 - this CA signs leaves only, never another CA.
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    if (!addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
        || !addExtension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign")
        || !addExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash")
        || !addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"))
        return fail<Result>(error, "cannot add the CA certificate extensions");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail<Result>(error, "cannot sign the CA certificate");
    // Parse and cache the extensions now: afterwards worker threads only read
    // the certificate (OpenSSL fills this cache lazily otherwise).
    if (X509_check_purpose(cert.get(), -1, 0) != 1)
        return fail<Result>(error, "the CA certificate does not parse");

    ca->m_caPem = toPem(cert.get());
    if (ca->m_caPem.empty())
        return fail<Result>(error, "cannot encode the CA certificate");
    ca->m_leafKey.reset(generateKey().release());
    if (!ca->m_leafKey)
        return fail<Result>(error, "cannot generate the leaf key");
    ca->m_caKey.reset(key.release());
    ca->m_caCert.reset(cert.release());
    return ca;
}

std::string SessionCa::certificatePem() const
{
    return m_caPem;
}

std::string SessionCa::normalizeHost(const std::string &host, bool *isIp, std::string *error)
{
    if (isIp)
        *isIp = false;
    if (host.empty()) {
        setError(error, "empty host name");
        return {};
    }
    // inet_pton() stops at a NUL; "1.2.3.4\0x" must not pass as 1.2.3.4.
    if (host.find('\0') != std::string::npos) {
        setError(error, "host name contains a NUL byte");
        return {};
    }
    char text[INET6_ADDRSTRLEN] = {};
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1 && inet_ntop(AF_INET, &v4, text, sizeof text)) {
        if (isIp)
            *isIp = true;
        return text;
    }
    if (host.find(':') != std::string::npos) {
        if (inet_pton(AF_INET6, host.c_str(), &v6) == 1 && inet_ntop(AF_INET6, &v6, text, sizeof text)) {
            if (isIp)
                *isIp = true;
            return text;
        }
        setError(error, "\"" + host + "\" is not a valid IP address");
        return {};
    }

    std::string name = host;
    if (name.back() == '.')
        name.pop_back(); // "example.com." is the same name, and SNI never carries the dot
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    const auto invalid = [&](const char *why) {
        setError(error, "\"" + host + "\" is not a valid host name: " + why);
        return std::string();
    };
    if (name.empty() || name.size() > 253)
        return invalid("bad length");
    std::size_t start = 0;
    std::string_view last;
    while (start <= name.size()) {
        const std::size_t dot = std::min(name.find('.', start), name.size());
        const std::string_view label(name.data() + start, dot - start);
        if (label.empty() || label.size() > 63)
            return invalid("empty or overlong label");
        if (!std::all_of(label.begin(), label.end(), isDnsLabelChar))
            return invalid("character outside letters, digits, '-' and '_'");
        if (label.front() == '-' || label.back() == '-')
            return invalid("label starts or ends with '-'");
        last = label;
        start = dot + 1;
    }
    // Clients read an all-numeric last label ("127.1", "0x7f.1" aside) as an
    // IPv4 address, so a DNS certificate for it would be misleading.
    if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return invalid("numeric top-level label");
    return name;
}

std::shared_ptr<SSL_CTX> SessionCa::serverContext(const std::string &host, std::string *error)
{
    bool isIp = false;
    const std::string key = normalizeHost(host, &isIp, error);
    if (key.empty())
        return nullptr;
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_index.find(key); it != m_index.end()) {
            m_lru.splice(m_lru.begin(), m_lru, it->second);
            return it->second->context;
        }
    }
    // Minted outside the lock so one slow handshake setup does not stall
    // every other worker; a concurrent mint of the same host loses below.
    std::shared_ptr<SSL_CTX> context = mint(key, isIp, error);
    if (!context)
        return nullptr;

    std::lock_guard lock(m_mutex);
    if (const auto it = m_index.find(key); it != m_index.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        return it->second->context;
    }
    m_lru.push_front(CacheEntry{key, context});
    m_index.emplace(key, m_lru.begin());
    // The sandbox chooses the host names, so an unbounded cache would let it
    // grow the proxy's memory at will. An evicted context stays alive for
    // the connections still using it (shared_ptr) and is minted again if the
    // host comes back.
    while (m_lru.size() > kMaxCachedContexts) {
        m_index.erase(m_lru.back().host);
        m_lru.pop_back();
    }
    return context;
}

std::size_t SessionCa::cachedContexts() const
{
    std::lock_guard lock(m_mutex);
    return m_lru.size();
}

// Every leaf of this CA shares m_leafKey. Generating a key per host would buy
// nothing: the key lives in the same process memory as the CA key (whoever
// can read one can read the other and mint anything), and the leaves are
// trusted only through this session's CA. Keys are per CA, never shared
// between sessions, and minting a host then costs one signature.
std::shared_ptr<SSL_CTX> SessionCa::mint(const std::string &host, bool isIp, std::string *error) const
{
    using Result = std::shared_ptr<SSL_CTX>;
    ERR_clear_error();
    const std::time_t now = std::time(nullptr);
    const std::time_t notAfter = std::min<std::time_t>(m_caNotAfter, now + kValidityDays * kDaySeconds);
    if (notAfter <= now) {
        setError(error, "the session CA has expired");
        return nullptr;
    }

    X509Ptr leaf(X509_new());
    if (!leaf)
        return fail<Result>(error, "cannot allocate a certificate for " + host);
    // The commonName is informational (clients match the subjectAltName) and
    // limited to 64 characters, while a DNS name may have 253.
    if (X509_set_version(leaf.get(), X509_VERSION_3) != 1 || !setRandomSerial(leaf.get())
        || !setValidity(leaf.get(), now - kBackdateSeconds, notAfter)
        || X509_set_pubkey(leaf.get(), m_leafKey.get()) != 1
        || !setSubject(leaf.get(), host.substr(0, kMaxCommonName))
        || X509_set_issuer_name(leaf.get(), X509_get_subject_name(m_caCert.get())) != 1)
        return fail<Result>(error, "cannot build a certificate for " + host);

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, m_caCert.get(), leaf.get(), nullptr, nullptr, 0);
    if (!addExtension(leaf.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(leaf.get(), &ctx, NID_key_usage, "critical,digitalSignature")
        || !addExtension(leaf.get(), &ctx, NID_ext_key_usage, "serverAuth")
        || !addExtension(leaf.get(), &ctx, NID_authority_key_identifier, "keyid:always")
        || !addSubjectAltName(leaf.get(), host, isIp))
        return fail<Result>(error, "cannot add the certificate extensions for " + host);
    if (X509_sign(leaf.get(), m_caKey.get(), EVP_sha256()) <= 0)
        return fail<Result>(error, "cannot sign the certificate for " + host);

    CtxPtr context(SSL_CTX_new(TLS_server_method()));
    if (!context)
        return fail<Result>(error, "cannot create a TLS server context");
    SSL_CTX_set_options(context.get(), kCommonOptions | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Each context keeps its own session cache; keep it small since up to
    // kMaxCachedContexts of them live at once.
    SSL_CTX_sess_set_cache_size(context.get(), 64);
    if (SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) != 1
        || SSL_CTX_use_certificate(context.get(), leaf.get()) != 1
        || SSL_CTX_use_PrivateKey(context.get(), m_leafKey.get()) != 1
        || SSL_CTX_add1_chain_cert(context.get(), m_caCert.get()) != 1
        || SSL_CTX_check_private_key(context.get()) != 1)
        return fail<Result>(error, "cannot set up the TLS server context for " + host);
    SSL_CTX_set_alpn_select_cb(context.get(), selectHttp11, nullptr);
    return Result(context.release(), SSL_CTX_free);
}

std::shared_ptr<SSL_CTX> SessionCa::upstreamContext(const std::string &caFile, std::string *error)
{
    using Result = std::shared_ptr<SSL_CTX>;
    static std::mutex mutex;
    static std::map<std::string, Result> cache;

    std::lock_guard lock(mutex);
    if (const auto it = cache.find(caFile); it != cache.end())
        return it->second;

    ERR_clear_error();
    CtxPtr context(SSL_CTX_new(TLS_client_method()));
    if (!context)
        return fail<Result>(error, "cannot create a TLS client context");
    SSL_CTX_set_options(context.get(), kCommonOptions);
    // TlsStream::connect also forces peer verification and adds the host
    // check; setting it here keeps a context used elsewhere safe too.
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION) != 1)
        return fail<Result>(error, "cannot set up the TLS client context");
    // Inverted convention: 0 is success.
    static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    if (SSL_CTX_set_alpn_protos(context.get(), kAlpn, sizeof kAlpn) != 0)
        return fail<Result>(error, "cannot set the ALPN protocols");

    if (caFile.empty()) {
        if (SSL_CTX_set_default_verify_paths(context.get()) != 1)
            return fail<Result>(error, "cannot load the system trust store");
    } else {
        // A fresh context's store is empty: only the file's certificates are
        // trusted, never the system store as well.
        X509_STORE *store = SSL_CTX_get_cert_store(context.get());
        BioPtr bio(BIO_new_file(caFile.c_str(), "r"));
        if (!store || !bio)
            return fail<Result>(error, "cannot read the CA file " + caFile);
        int count = 0;
        for (;;) {
            X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
            if (!cert) {
                const unsigned long e = ERR_peek_last_error();
                if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
                    ERR_clear_error(); // no further certificate: the normal end
                    break;
                }
                return fail<Result>(error, "malformed certificate in " + caFile);
            }
            if (X509_STORE_add_cert(store, cert.get()) != 1)
                return fail<Result>(error, "cannot trust a certificate of " + caFile);
            ++count;
        }
        if (count == 0) {
            setError(error, "the CA file " + caFile + " holds no certificate");
            return nullptr;
        }
    }

    Result shared(context.release(), SSL_CTX_free);
    if (cache.size() >= kMaxUpstreamContexts)
        cache.erase(cache.begin());
    cache.emplace(caFile, shared);
    return shared;
}

} // namespace osh::runtime
