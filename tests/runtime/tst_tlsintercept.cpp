// Tests of the HTTPS interception building blocks: the session CA and the
// certificates it mints, the upstream trust contexts, and TLS streams end to
// end over socket pairs and loopback TCP, including the failure paths (wrong
// host, untrusted CA, silent peer, abort from another thread).

#include "network/sessionca.h"
#include "network/tlsstream.h"

#include <QTemporaryFile>
#include <QTest>

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <random>
#include <set>
#include <utility>
#include <vector>

using namespace osh::runtime;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

template<auto Fn>
struct Free
{
    template<class T>
    void operator()(T *p) const { Fn(p); }
};
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using BcPtr = std::unique_ptr<BASIC_CONSTRAINTS, Free<BASIC_CONSTRAINTS_free>>;

// An owned file descriptor; release() hands it to a stream.
struct Fd
{
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(Fd &&o) noexcept : fd(std::exchange(o.fd, -1)) {}
    Fd &operator=(Fd &&o) noexcept
    {
        std::swap(fd, o.fd);
        return *this;
    }
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    void release() { fd = -1; }
};

// {server end, client end}
std::pair<Fd, Fd> unixPair()
{
    int sv[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return {};
    return {Fd(sv[0]), Fd(sv[1])};
}

std::pair<Fd, Fd> tcpPair()
{
    Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    auto *addr = reinterpret_cast<sockaddr *>(&a);
    if (listener.fd < 0 || ::bind(listener.fd, addr, sizeof a) != 0 || ::listen(listener.fd, 1) != 0
        || ::getsockname(listener.fd, addr, &len) != 0)
        return {};
    Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (client.fd < 0 || ::connect(client.fd, addr, sizeof a) != 0)
        return {};
    return {Fd(::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)), std::move(client)};
}

X509Ptr parsePem(const std::string &pem)
{
    std::unique_ptr<BIO, Free<BIO_free>> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

std::string writeTemp(QTemporaryFile &file, const std::string &text)
{
    if (!file.open() || file.write(text.data(), static_cast<qint64>(text.size())) != qint64(text.size())
        || !file.flush())
        return {};
    return file.fileName().toStdString();
}

std::string payload(std::size_t size, unsigned seed)
{
    std::mt19937 gen(seed);
    std::string out(size, '\0');
    for (char &c : out)
        c = static_cast<char>(gen() & 0xff);
    return out;
}

long elapsedMs(Clock::time_point since)
{
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

// Verifies leaf against a store holding only `ca`, for a host name or IP.
int verifyAgainst(X509 *leaf, X509 *ca, const std::string &host, bool ip)
{
    StorePtr store(X509_STORE_new());
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!store || !ctx || X509_STORE_add_cert(store.get(), ca) != 1
        || X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr) != 1)
        return -1;
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx.get());
    if (ip)
        X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else
        X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    return X509_verify_cert(ctx.get()) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
}

struct Handshake
{
    std::unique_ptr<TlsStream> server, client;
    std::string sni, serverError, clientError;
    long serverMs = 0;
};

// Server accept on one thread, client connect on this one. A failed side
// keeps its fd open until both are done, so the other side sees the TLS
// alert rather than a closed socket.
Handshake handshake(std::pair<Fd, Fd> fds, std::shared_ptr<SSL_CTX> serverCtx, std::shared_ptr<SSL_CTX> clientCtx,
                    const std::string &host, int timeoutMs = 5000)
{
    Handshake h;
    auto server = std::async(std::launch::async, [&] {
        const auto start = Clock::now();
        auto s = TlsStream::accept(fds.first.fd, serverCtx, timeoutMs, &h.sni, &h.serverError);
        h.serverMs = elapsedMs(start);
        if (s)
            fds.first.release();
        return s;
    });
    h.client = TlsStream::connect(fds.second.fd, clientCtx, host, timeoutMs, &h.clientError);
    if (h.client)
        fds.second.release();
    h.server = server.get();
    return h;
}

bool contains(const std::string &text, const char *part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestTlsIntercept : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        std::string error;
        m_ca = SessionCa::create("OpenShell session 7f3a CA", &error);
        QVERIFY2(m_ca, error.c_str());
        const std::string path = writeTemp(m_caFile, m_ca->certificatePem());
        QVERIFY(!path.empty());
        m_trustCa = SessionCa::upstreamContext(path, &error);
        QVERIFY2(m_trustCa, error.c_str());
    }

    void caCertificate()
    {
        X509Ptr ca = parsePem(m_ca->certificatePem());
        QVERIFY(ca);
        int critical = -1;
        BcPtr bc(static_cast<BASIC_CONSTRAINTS *>(X509_get_ext_d2i(ca.get(), NID_basic_constraints, &critical, nullptr)));
        QVERIFY(bc);
        QCOMPARE(critical, 1);
        QVERIFY(bc->ca);
        QVERIFY(bc->pathlen);
        QCOMPARE(ASN1_INTEGER_get(bc->pathlen), 0L);
        QCOMPARE(X509_get_key_usage(ca.get()), std::uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
        ASN1_BIT_STRING *ku = static_cast<ASN1_BIT_STRING *>(X509_get_ext_d2i(ca.get(), NID_key_usage, &critical, nullptr));
        QVERIFY(ku);
        ASN1_BIT_STRING_free(ku);
        QCOMPARE(critical, 1);
        const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(ca.get());
        const ASN1_OCTET_STRING *akid = X509_get0_authority_key_id(ca.get());
        QVERIFY(skid && akid);
        QCOMPARE(ASN1_OCTET_STRING_cmp(skid, akid), 0);

        // Valid from an hour ago for seven days.
        int days = 0, secs = 0;
        QVERIFY(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(ca.get()), X509_get0_notAfter(ca.get())));
        QCOMPARE(days * 86400 + secs, 7 * 86400 + 3600);
        QVERIFY(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(ca.get()), nullptr)); // to now
        QVERIFY(std::abs(days * 86400 + secs - 3600) < 60);

        char cn[128] = {};
        QVERIFY(X509_NAME_get_text_by_NID(X509_get_subject_name(ca.get()), NID_commonName, cn, sizeof cn) > 0);
        QCOMPARE(std::string(cn), std::string("OpenShell session 7f3a CA"));
        QVERIFY(X509_NAME_get_text_by_NID(X509_get_subject_name(ca.get()), NID_organizationName, cn, sizeof cn) > 0);
        QCOMPARE(std::string(cn), std::string("OpenShell"));
        QCOMPARE(X509_NAME_cmp(X509_get_subject_name(ca.get()), X509_get_issuer_name(ca.get())), 0);
        EVP_PKEY *key = X509_get0_pubkey(ca.get());
        QVERIFY(key);
        QCOMPARE(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
        QCOMPARE(EVP_PKEY_get_bits(key), 256);
        QCOMPARE(X509_verify(ca.get(), key), 1); // self-signed
        QCOMPARE(X509_get_signature_nid(ca.get()), NID_ecdsa_with_SHA256);

        // Serials are random: a second CA gets another one.
        std::string error;
        auto other = SessionCa::create("other", &error);
        QVERIFY2(other, error.c_str());
        X509Ptr ca2 = parsePem(other->certificatePem());
        QVERIFY(ca2);
        QVERIFY(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(ca2.get())) != 0);

        QVERIFY(!SessionCa::create("", &error));
        QVERIFY(!error.empty());
    }

    void leafCertificate_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("expected"); // normalized host in the SAN
        QTest::addColumn<bool>("ip");
        QTest::newRow("dns") << QStringLiteral("api.example.test") << QStringLiteral("api.example.test") << false;
        QTest::newRow("dns mixed case, trailing dot")
            << QStringLiteral("API.Example.Test.") << QStringLiteral("api.example.test") << false;
        QTest::newRow("ipv4") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1") << true;
        QTest::newRow("ipv6") << QStringLiteral("::1") << QStringLiteral("::1") << true;
        const QString longName = QString(63, QLatin1Char('a')) + QLatin1Char('.') + QString(63, QLatin1Char('b'))
            + QStringLiteral(".example.test");
        QTest::newRow("long name") << longName << longName << false;
    }
    void leafCertificate()
    {
        QFETCH(QString, host);
        QFETCH(QString, expected);
        QFETCH(bool, ip);
        std::string error;
        auto ctx = m_ca->serverContext(host.toStdString(), &error);
        QVERIFY2(ctx, error.c_str());
        X509 *leaf = SSL_CTX_get0_certificate(ctx.get());
        X509Ptr ca = parsePem(m_ca->certificatePem());
        QVERIFY(leaf && ca);
        const std::string want = expected.toStdString();

        QCOMPARE(verifyAgainst(leaf, ca.get(), want, ip), int(X509_V_OK));
        NamesPtr sans(static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
        QVERIFY(sans);
        QCOMPARE(sk_GENERAL_NAME_num(sans.get()), 1);
        const GENERAL_NAME *san = sk_GENERAL_NAME_value(sans.get(), 0);
        if (ip) {
            QCOMPARE(san->type, GEN_IPADD);
            unsigned char bytes[16] = {};
            const int family = want.find(':') == std::string::npos ? AF_INET : AF_INET6;
            QCOMPARE(inet_pton(family, want.c_str(), bytes), 1);
            QCOMPARE(ASN1_STRING_length(san->d.iPAddress), family == AF_INET ? 4 : 16);
            QCOMPARE(std::memcmp(ASN1_STRING_get0_data(san->d.iPAddress), bytes, family == AF_INET ? 4 : 16), 0);
        } else {
            QCOMPARE(san->type, GEN_DNS);
            const auto *dns = reinterpret_cast<const char *>(ASN1_STRING_get0_data(san->d.dNSName));
            QCOMPARE(std::string(dns, std::size_t(ASN1_STRING_length(san->d.dNSName))), want);
        }
        char cn[128] = {};
        QVERIFY(X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof cn) > 0);
        QCOMPARE(std::string(cn), want.substr(0, 64));

        QCOMPARE(X509_check_ca(leaf), 0);
        QCOMPARE(X509_get_key_usage(leaf), std::uint32_t(KU_DIGITAL_SIGNATURE));
        QCOMPARE(X509_get_extended_key_usage(leaf), std::uint32_t(XKU_SSL_SERVER));
        QCOMPARE(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf), X509_get0_subject_key_id(ca.get())), 0);
        QCOMPARE(X509_get_signature_nid(leaf), NID_ecdsa_with_SHA256);
        QVERIFY(ASN1_TIME_compare(X509_get0_notAfter(leaf), X509_get0_notAfter(ca.get())) <= 0);
        QVERIFY(X509_cmp_current_time(X509_get0_notBefore(leaf)) < 0);
        // The chain sent is the leaf plus the CA.
        STACK_OF(X509) *chain = nullptr;
        QCOMPARE(SSL_CTX_get0_chain_certs(ctx.get(), &chain), 1L);
        QCOMPARE(sk_X509_num(chain), 1);
        QCOMPARE(X509_cmp(sk_X509_value(chain, 0), ca.get()), 0);
        QCOMPARE(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_2_VERSION);
    }

    void leafChecksHostAndIssuer()
    {
        std::string error;
        auto ctx = m_ca->serverContext("api.example.test", &error);
        QVERIFY2(ctx, error.c_str());
        X509 *leaf = SSL_CTX_get0_certificate(ctx.get());
        X509Ptr ca = parsePem(m_ca->certificatePem());
        QCOMPARE(verifyAgainst(leaf, ca.get(), "api.example.test", false), int(X509_V_OK));
        QCOMPARE(verifyAgainst(leaf, ca.get(), "other.example.test", false), int(X509_V_ERR_HOSTNAME_MISMATCH));
        QCOMPARE(verifyAgainst(leaf, ca.get(), "127.0.0.1", true), int(X509_V_ERR_IP_ADDRESS_MISMATCH));
        auto other = SessionCa::create("other session CA", &error);
        QVERIFY2(other, error.c_str());
        X509Ptr otherCa = parsePem(other->certificatePem());
        QVERIFY(verifyAgainst(leaf, otherCa.get(), "api.example.test", false) != X509_V_OK);
    }

    void invalidHosts_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::newRow("space") << QByteArray("bad host");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("empty label") << QByteArray("a..b");
        QTest::newRow("only dot") << QByteArray(".");
        QTest::newRow("wildcard") << QByteArray("*.example.test");
        QTest::newRow("numeric tld") << QByteArray("127.1");
        QTest::newRow("leading hyphen") << QByteArray("-a.example.test");
        QTest::newRow("bad ipv6") << QByteArray("::gg");
        QTest::newRow("bracketed") << QByteArray("[::1]");
        QTest::newRow("nul") << QByteArray("127.0.0.1\0.evil.test", 20);
        QTest::newRow("label too long") << QByteArray(64, 'a') + ".test";
        QTest::newRow("name too long") << QByteArray(QByteArray(60, 'a') + '.').repeated(5) + "test";
    }
    void invalidHosts()
    {
        QFETCH(QByteArray, host);
        std::string error;
        const std::size_t before = m_ca->cachedContexts();
        QVERIFY(!m_ca->serverContext(host.toStdString(), &error));
        QVERIFY(!error.empty());
        QCOMPARE(m_ca->cachedContexts(), before);
    }

    void upstreamContexts()
    {
        std::string error;
        QVERIFY(!SessionCa::upstreamContext("/nonexistent/ca.pem", &error));
        QVERIFY(contains(error, "/nonexistent/ca.pem"));
        QTemporaryFile empty, garbage;
        const std::string emptyPath = writeTemp(empty, "not a certificate\n");
        QVERIFY(!SessionCa::upstreamContext(emptyPath, &error));
        QVERIFY2(contains(error, "holds no certificate"), error.c_str());
        const std::string garbagePath
            = writeTemp(garbage, m_ca->certificatePem() + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        QVERIFY(!SessionCa::upstreamContext(garbagePath, &error));
        QVERIFY2(contains(error, "malformed"), error.c_str());

        // Cached per file, verifying, and trusting only that file.
        QCOMPARE(SessionCa::upstreamContext(m_caFile.fileName().toStdString(), &error).get(), m_trustCa.get());
        QCOMPARE(SSL_CTX_get_verify_mode(m_trustCa.get()), SSL_VERIFY_PEER);
        QCOMPARE(SSL_CTX_get_min_proto_version(m_trustCa.get()), TLS1_2_VERSION);
        QCOMPARE(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(m_trustCa.get()))), 1);
        auto system = SessionCa::upstreamContext("", &error);
        QVERIFY2(system, error.c_str());
        QVERIFY(system != m_trustCa);
    }

    void endToEnd()
    {
        std::string error;
        auto serverCtx = m_ca->serverContext("api.example.test", &error);
        QVERIFY2(serverCtx, error.c_str());
        auto h = handshake(unixPair(), serverCtx, m_trustCa, "api.example.test");
        QVERIFY2(h.client, h.clientError.c_str());
        QVERIFY2(h.server, h.serverError.c_str());
        QCOMPARE(h.sni, std::string("api.example.test"));
        QCOMPARE(h.server->alpn(), std::string("http/1.1"));
        QCOMPARE(h.client->alpn(), std::string("http/1.1"));

        // 4 MiB each way: far more than the socket buffers, so every
        // writeAll() has to wait for the reader many times.
        const std::string request = payload(4 << 20, 1);
        std::string reply = request;
        for (char &c : reply)
            c = static_cast<char>(c ^ 0x5a);
        auto server = std::async(std::launch::async, [&] {
            std::string got, buf(64 * 1024, '\0'), err;
            while (got.size() < request.size()) {
                const long n = h.server->read(buf.data(), buf.size(), 5000, &err);
                if (n <= 0)
                    return "server read: " + err;
                got.append(buf.data(), std::size_t(n));
            }
            for (char &c : got)
                c = static_cast<char>(c ^ 0x5a);
            if (!h.server->writeAll(got, 5000, &err) || !h.server->writeAll("bye", 5000, &err))
                return "server write: " + err;
            h.server->close(); // close_notify
            return std::string();
        });
        std::string clientError, got, buf(100000, '\0');
        bool wrote = h.client->writeAll(request, 5000, &clientError);
        long n = 1;
        while (wrote && got.size() < reply.size() + 3 && (n = h.client->read(buf.data(), buf.size(), 5000, &clientError)) > 0)
            got.append(buf.data(), std::size_t(n));
        const long last = wrote && n > 0 ? h.client->read(buf.data(), buf.size(), 5000, &clientError) : -2;
        const std::string serverError = server.get();
        QVERIFY2(wrote, clientError.c_str());
        QVERIFY2(serverError.empty(), serverError.c_str());
        QCOMPARE(got.size(), reply.size() + 3);
        QVERIFY(got.compare(0, reply.size(), reply) == 0);
        QCOMPARE(got.substr(reply.size()), std::string("bye"));
        QCOMPARE(last, 0L); // orderly close
    }

    void ipLiteralHasNoSni()
    {
        std::string error;
        auto serverCtx = m_ca->serverContext("127.0.0.1", &error);
        QVERIFY2(serverCtx, error.c_str());
        auto h = handshake(tcpPair(), serverCtx, m_trustCa, "127.0.0.1");
        QVERIFY2(h.client, h.clientError.c_str());
        QVERIFY2(h.server, h.serverError.c_str());
        QCOMPARE(h.sni, std::string());

        auto wrong = handshake(tcpPair(), serverCtx, m_trustCa, "127.0.0.2", 3000);
        QVERIFY(!wrong.client);
        QVERIFY2(contains(wrong.clientError, "IP address mismatch"), wrong.clientError.c_str());
        QVERIFY(!wrong.server);
    }

    void hostnameMismatch()
    {
        std::string error;
        auto serverCtx = m_ca->serverContext("api.example.test", &error);
        QVERIFY2(serverCtx, error.c_str());
        auto h = handshake(unixPair(), serverCtx, m_trustCa, "other.example.test", 3000);
        QVERIFY(!h.client);
        QVERIFY2(contains(h.clientError, "upstream certificate rejected: hostname mismatch"), h.clientError.c_str());
        QVERIFY(!h.server);
        QVERIFY(!h.serverError.empty());
        QVERIFY2(h.serverMs < 2000, h.serverError.c_str()); // the client's alert ended it, not the timeout
    }

    void untrustedCa()
    {
        std::string error;
        auto other = SessionCa::create("another session CA", &error);
        QVERIFY2(other, error.c_str());
        QTemporaryFile file;
        auto trustOther = SessionCa::upstreamContext(writeTemp(file, other->certificatePem()), &error);
        QVERIFY2(trustOther, error.c_str());
        auto serverCtx = m_ca->serverContext("api.example.test", &error);
        QVERIFY2(serverCtx, error.c_str());

        auto h = handshake(unixPair(), serverCtx, trustOther, "api.example.test", 3000);
        QVERIFY(!h.client);
        QVERIFY2(contains(h.clientError, "upstream certificate rejected: "), h.clientError.c_str());
        QVERIFY(!h.server);
        QVERIFY2(contains(h.serverError, "client did not accept the certificate: tlsv1 alert unknown ca"),
                 h.serverError.c_str());
        QVERIFY(h.serverMs < 2000);
    }

    void alpnNeverH2()
    {
        std::unique_ptr<SSL_CTX, Free<SSL_CTX_free>> ctx(SSL_CTX_new(TLS_client_method()));
        X509Ptr ca = parsePem(m_ca->certificatePem());
        QVERIFY(ctx && ca);
        QCOMPARE(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca.get()), 1);
        static const unsigned char h2[] = {2, 'h', '2'};
        QCOMPARE(SSL_CTX_set_alpn_protos(ctx.get(), h2, sizeof h2), 0);
        std::shared_ptr<SSL_CTX> h2Only(ctx.release(), SSL_CTX_free);
        std::string error;
        auto serverCtx = m_ca->serverContext("api.example.test", &error);
        auto h = handshake(unixPair(), serverCtx, h2Only, "api.example.test");
        QVERIFY2(h.client && h.server, (h.clientError + " / " + h.serverError).c_str());
        QCOMPARE(h.server->alpn(), std::string());
        QCOMPARE(h.client->alpn(), std::string());
    }

    void handshakeTimeout()
    {
        std::string error;
        auto serverCtx = m_ca->serverContext("api.example.test", &error);
        auto [server, silent] = unixPair();
        std::string sni;
        auto start = Clock::now();
        QVERIFY(!TlsStream::accept(server.fd, serverCtx, 300, &sni, &error));
        long ms = elapsedMs(start);
        QVERIFY2(contains(error, "timed out"), error.c_str());
        QVERIFY(ms >= 250 && ms < 2000);
        QVERIFY(::fcntl(server.fd, F_GETFD) != -1); // still the caller's

        auto [silentServer, client] = unixPair();
        start = Clock::now();
        QVERIFY(!TlsStream::connect(client.fd, m_trustCa, "api.example.test", 300, &error));
        ms = elapsedMs(start);
        QVERIFY2(contains(error, "timed out"), error.c_str());
        QVERIFY(ms >= 250 && ms < 2000);
    }

    void readTimeout()
    {
        std::string error;
        auto h = handshake(unixPair(), m_ca->serverContext("api.example.test", &error), m_trustCa, "api.example.test");
        QVERIFY2(h.client && h.server, (h.clientError + " / " + h.serverError).c_str());
        char buf[16];
        const auto start = Clock::now();
        QCOMPARE(h.client->read(buf, sizeof buf, 200, &error), -1L);
        QCOMPARE(error, std::string("timed out"));
        QVERIFY(elapsedMs(start) >= 150 && elapsedMs(start) < 2000);
        // The stream is still usable after a timeout.
        QVERIFY2(h.server->writeAll("late", 1000, &error), error.c_str());
        QCOMPARE(h.client->read(buf, sizeof buf, 1000, &error), 4L);
    }

    void abortBlockedRead_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<bool>("tcp");
        QTest::addColumn<bool>("rawShutdown");
        QTest::newRow("tls, tcp, ::shutdown") << true << true << true;
        QTest::newRow("tls, unix, abort()") << true << false << false;
        QTest::newRow("plain, tcp, ::shutdown") << false << true << true;
        QTest::newRow("plain, unix, abort()") << false << false << false;
    }
    void abortBlockedRead()
    {
        QFETCH(bool, tls);
        QFETCH(bool, tcp);
        QFETCH(bool, rawShutdown);
        auto [reader, peer] = streams(tls, tcp);
        QVERIFY(reader && peer);
        struct Outcome
        {
            long result = 0;
            std::string error;
            long ms = 0;
        };
        auto blocked = std::async(std::launch::async, [&] {
            Outcome o;
            char buf[256];
            const auto start = Clock::now();
            o.result = reader->read(buf, sizeof buf, 10000, &o.error);
            o.ms = elapsedMs(start);
            return o;
        });
        const bool wasBlocked = blocked.wait_for(300ms) == std::future_status::timeout;
        if (rawShutdown)
            ::shutdown(reader->fd(), SHUT_RDWR);
        else
            reader->abort();
        const bool woke = blocked.wait_for(2s) == std::future_status::ready;
        const Outcome o = blocked.get();
        QVERIFY(wasBlocked);
        QVERIFY(woke);
        QCOMPARE(o.result, -1L);
        QCOMPARE(o.error, std::string("aborted"));
        QVERIFY(o.ms >= 250 && o.ms < 3000);
    }

    void peerCloseIsEndOfStream_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<bool>("tcp");
        QTest::newRow("tls, tcp") << true << true;
        QTest::newRow("tls, unix") << true << false;
        QTest::newRow("plain, tcp") << false << true;
        QTest::newRow("plain, unix") << false << false;
    }
    void peerCloseIsEndOfStream()
    {
        // Without close_notify for TLS over TCP (the peer just shuts the
        // socket): still an end of stream, not an abort of ours.
        QFETCH(bool, tls);
        QFETCH(bool, tcp);
        auto [reader, peer] = streams(tls, tcp);
        QVERIFY(reader && peer);
        std::string error;
        QVERIFY2(peer->writeAll("last words", 1000, &error), error.c_str());
        if (tcp)
            peer->abort(); // FIN, no close_notify
        else
            peer->close();
        char buf[64];
        QCOMPARE(reader->read(buf, sizeof buf, 2000, &error), 10L);
        QCOMPARE(std::string(buf, 10), std::string("last words"));
        QCOMPARE(reader->read(buf, sizeof buf, 2000, &error), 0L);
    }

    void contextCache()
    {
        std::string error;
        auto ca = SessionCa::create("cache test CA", &error);
        QVERIFY2(ca, error.c_str());
        auto first = ca->serverContext("h0.example.test", &error);
        QVERIFY2(first, error.c_str());
        QCOMPARE(ca->serverContext("h0.example.test", &error).get(), first.get());
        QCOMPARE(ca->serverContext("H0.EXAMPLE.TEST", &error).get(), first.get());
        auto second = ca->serverContext("h1.example.test", &error);
        QVERIFY(second && second != first);
        for (int i = 2; i < 256; ++i)
            QVERIFY(ca->serverContext("h" + std::to_string(i) + ".example.test", &error));
        QCOMPARE(ca->cachedContexts(), std::size_t(256));
        QCOMPARE(ca->serverContext("h0.example.test", &error).get(), first.get()); // h0 now most recent
        QVERIFY(ca->serverContext("h256.example.test", &error)); // evicts h1, the least recently used
        QCOMPARE(ca->cachedContexts(), std::size_t(256));
        QCOMPARE(ca->serverContext("h0.example.test", &error).get(), first.get());
        auto again = ca->serverContext("h1.example.test", &error);
        QVERIFY(again && again != second); // minted anew
        for (int i = 257; i < 300; ++i)
            QVERIFY(ca->serverContext("h" + std::to_string(i) + ".example.test", &error));
        QCOMPARE(ca->cachedContexts(), std::size_t(256));
    }

    void concurrentMinting()
    {
        std::string error;
        auto ca = SessionCa::create("concurrency test CA", &error);
        QVERIFY2(ca, error.c_str());
        std::vector<std::future<std::vector<SSL_CTX *>>> workers;
        for (int t = 0; t < 8; ++t) {
            workers.push_back(std::async(std::launch::async, [&ca, t] {
                std::vector<SSL_CTX *> seen;
                std::string err;
                for (int i = 0; i < 40; ++i) {
                    seen.push_back(ca->serverContext("shared.example.test", &err).get());
                    ca->serverContext("t" + std::to_string(t) + "-" + std::to_string(i) + ".example.test", &err);
                }
                return seen;
            }));
        }
        std::set<SSL_CTX *> distinct;
        for (auto &w : workers)
            for (SSL_CTX *ctx : w.get())
                distinct.insert(ctx);
        QCOMPARE(distinct.size(), std::size_t(1));
        QVERIFY(*distinct.begin() != nullptr);
        QCOMPARE(ca->cachedContexts(), std::size_t(256));
    }

private:
    // {reader (client side), peer (server side)}, connected; null on failure.
    std::pair<std::unique_ptr<ByteStream>, std::unique_ptr<ByteStream>> streams(bool tls, bool tcp)
    {
        auto fds = tcp ? tcpPair() : unixPair();
        if (fds.first.fd < 0 || fds.second.fd < 0)
            return {};
        if (!tls)
            return {std::make_unique<PlainStream>(std::exchange(fds.second.fd, -1)),
                    std::make_unique<PlainStream>(std::exchange(fds.first.fd, -1))};
        std::string error;
        auto h = handshake(std::move(fds), m_ca->serverContext("api.example.test", &error), m_trustCa,
                           "api.example.test");
        if (!h.client || !h.server)
            qWarning("handshake failed: %s / %s", h.clientError.c_str(), h.serverError.c_str());
        return {std::move(h.client), std::move(h.server)};
    }

    std::unique_ptr<SessionCa> m_ca;
    QTemporaryFile m_caFile;
    std::shared_ptr<SSL_CTX> m_trustCa;
};

QTEST_GUILESS_MAIN(TestTlsIntercept)
#include "tst_tlsintercept.moc"
