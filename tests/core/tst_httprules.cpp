// An inspected HTTP request as the engine decides it: the request.*
// variables, the rules' methods, paths and access, path globs and normal
// form, the connection-level check before any request, and what the
// validator says about such rules.

#include "coretestutil.h"
#include "enginetesthelpers.h"

#include "util/httppath.h"

using namespace osh;
using namespace osh::test;

namespace {

const char *kApi =
    "version: 1\n"
    "name: api\n"
    "network:\n"
    "  default_policy: deny-all\n"
    "  rules:\n"
    "    - tool: fetch\n"
    "      allowed_hosts: [api.example.com]\n"
    "      allowed_ports: [443]\n"
    "      methods: [GET, POST]\n"
    "      paths: ['/v1/**', '/health']\n"
    "    - tool: reader\n"
    "      allowed_hosts: [api.example.com]\n"
    "      allowed_ports: [443]\n"
    "      access: read-only\n"
    "    - tool: tunnel\n"
    "      allowed_hosts: [pinned.example.com]\n"
    "      allowed_ports: [443]\n"
    "      inspect: false\n"
    "policies:\n"
    "  - name: tool_only\n"
    "    trigger: network_egress\n"
    "    condition: tool.name == 'blocked_tool'\n"
    "    action: block\n"
    "  - name: no_card_out\n"
    "    trigger: network_egress\n"
    "    condition: request.body != null and contains_pii(request.body) or request.query != null and contains_pii(request.query)\n"
    "    action: block\n"
    "    message: card data leaving\n";

std::string req(const std::string &tool, const std::string &method, const std::string &path,
                const std::string &extra = {})
{
    return "{\"trigger\":\"network_egress\",\"tool\":{\"name\":\"" + tool
        + "\"},\"destination\":{\"host\":\"api.example.com\",\"ip\":\"93.184.216.34\",\"port\":443,\"protocol\":\"https\"},\"request\":{\"method\":\""
        + method + "\",\"path\":\"" + path + "\"" + extra + "}}";
}

Diagnostics diagnose(const std::string &text)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    return PolicyValidator::checkText(text, "t.policy.yaml", opt).diagnostics;
}

bool hasCode(const Diagnostics &ds, const char *code)
{
    for (const auto &d : ds)
        if (d.code == code)
            return true;
    return false;
}

} // namespace

class TestHttpRules : public QObject
{
    Q_OBJECT

private slots:
    void globs_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << "/health" << "/health" << true;
        QTest::newRow("exact-other") << "/health" << "/healthz" << false;
        QTest::newRow("star-segment") << "/v1/*/items" << "/v1/42/items" << true;
        QTest::newRow("star-not-across") << "/v1/*/items" << "/v1/4/2/items" << false;
        QTest::newRow("star-within") << "/files/*.json" << "/files/a.json" << true;
        QTest::newRow("star-within-no") << "/files/*.json" << "/files/a.jsonx" << false;
        QTest::newRow("dstar-deep") << "/v1/**" << "/v1/a/b/c" << true;
        QTest::newRow("dstar-itself") << "/v1/**" << "/v1" << true;
        QTest::newRow("dstar-slash") << "/v1/**" << "/v1/" << true;
        QTest::newRow("dstar-prefix-only") << "/v1/**" << "/v10/a" << false;
        QTest::newRow("dstar-middle") << "/a/**/z" << "/a/b/c/z" << true;
        QTest::newRow("dstar-middle-none") << "/a/**/z" << "/a/z" << true;
        QTest::newRow("dstar-middle-no") << "/a/**/z" << "/a/b/y" << false;
        QTest::newRow("root") << "/" << "/" << true;
        QTest::newRow("many-stars") << "/*a*a*a*a*b" << "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" << false;
    }
    void globs()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, matches);
        QCOMPARE(http::pathGlobMatches(pattern.toStdString(), path.toStdString()), matches);
    }

    void globValidity()
    {
        std::string why;
        QVERIFY(http::isValidPathGlob("/v1/**"));
        QVERIFY(http::isValidPathGlob("/a/**/b"));
        QVERIFY(!http::isValidPathGlob("v1/**", &why));
        QVERIFY(!http::isValidPathGlob("/v1/a**", &why));
        QVERIFY(!http::isValidPathGlob("/v1?x=1", &why));
        QVERIFY(!http::isValidPathGlob("/v1%2F", &why));
        QVERIFY(!http::isValidPathGlob("/a b", &why));
    }

    void ambiguousPaths()
    {
        QVERIFY(!http::pathAmbiguity("/v1/items"));
        QVERIFY(http::pathAmbiguity("/v1/../admin"));
        QVERIFY(http::pathAmbiguity("/v1/./x"));
        QVERIFY(http::pathAmbiguity("/v1/.."));
        QVERIFY(http::pathAmbiguity("/v1//x"));
        QVERIFY(http::pathAmbiguity("/v1\\x"));
        QVERIFY(http::pathAmbiguity("/public/..;/admin")); // servlet containers drop ";params"
        QVERIFY(http::pathAmbiguity("/v1/a;b"));
    }

    void methodsPathsAndAccess()
    {
        Session s(kApi);
        QCOMPARE(outcome(s.decide(req("fetch", "GET", "/v1/users/7"))), QStringLiteral("allow"));
        Decision d = s.decide(req("fetch", "DELETE", "/v1/users/7"));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        QCOMPARE(layer(d), QStringLiteral("network"));
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("method DELETE is not allowed by rule 0")));
        d = s.decide(req("fetch", "GET", "/admin"));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("paths: /v1/**, /health")));
        // A path must be in normal form, as decoded and as sent.
        QCOMPARE(outcome(s.decide(req("fetch", "GET", "/v1/../admin"))), QStringLiteral("block"));
        d = s.decide(req("fetch", "GET", "/v1/a/b",
                         ",\"url\":\"https://api.example.com/v1%2Fa/b\""));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("encodes a slash")));
        QCOMPARE(outcome(s.decide(req("reader", "HEAD", "/anything"))), QStringLiteral("allow"));
        QCOMPARE(outcome(s.decide(req("reader", "POST", "/anything"))), QStringLiteral("block"));
    }

    void rulesForOneHostAreAlternatives()
    {
        const std::string text = "version: 1\nname: alt\nnetwork:\n  rules:\n"
                                 "    - {tool: fetch, allowed_hosts: [api.example.com], methods: [GET], paths: ['/v1/**']}\n"
                                 "    - {tool: fetch, allowed_hosts: [api.example.com], methods: [POST], paths: ['/v1/upload']}\n";
        Session s(text);
        QCOMPARE(outcome(s.decide(req("fetch", "GET", "/v1/a"))), QStringLiteral("allow"));
        Decision d = s.decide(req("fetch", "POST", "/v1/upload"));
        QCOMPARE(outcome(d), QStringLiteral("allow"));
        QCOMPARE(d.trace.size() > 1 ? d.trace[1].rule : -1, 1);
        d = s.decide(req("fetch", "POST", "/v1/other"));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        // The first refusing rule's reason.
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("method POST is not allowed by rule 0")));
    }

    void overridesAndTunnelsCannotStepAroundARule()
    {
        const std::string text = "version: 1\nname: o\nnetwork:\n  default_policy: allow-all\n  rules:\n"
                                 "    - {tool: fetch, allowed_hosts: [api.example.com], methods: [GET], paths: ['/public/**']}\n";
        Session s(text);
        // A header that makes the origin serve another method or path.
        Decision d = s.decide(req("fetch", "GET", "/public/a", ",\"headers\":{\"x-http-method-override\":\"DELETE\"}"));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("x-http-method-override")));
        d = s.decide(req("fetch", "GET", "/public/a", ",\"headers\":{\"x-original-url\":\"/admin\"}"));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        d = s.decide(req("fetch", "GET", "/public/%u002e", ",\"url\":\"https://api.example.com/public/%u002e\""));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        // Asking for a tcp tunnel to the same host and port, which allow-all would pass unread.
        std::string err;
        auto r = Request::fromJson("{\"trigger\":\"network_egress\",\"tool\":{\"name\":\"fetch\"},\"destination\":"
                                   "{\"host\":\"api.example.com\",\"ip\":\"93.184.216.34\",\"port\":443,\"protocol\":\"tcp\"}}",
                                   err);
        QVERIFY(r);
        d = s.engine().decide(*r, s.state());
        QCOMPARE(outcome(d), QStringLiteral("block"));
        QVERIFY(QString::fromStdString(d.message).contains(QStringLiteral("tunnel there would pass them unread")));
        // Another port is not this rule's business.
        r->set(Var::DestinationPort, Value(8443));
        d = s.engine().decide(*r, s.state());
        QVERIFY(!QString::fromStdString(d.message).contains(QStringLiteral("tunnel there")));
    }

    void contentPoliciesReadTheRequest()
    {
        Session s(kApi);
        Decision d = s.decide(req("fetch", "POST", "/v1/pay", ",\"body\":\"card 4111 1111 1111 1111\""));
        QCOMPARE(outcome(d), QStringLiteral("block"));
        QCOMPARE(QString::fromStdString(d.policy), QStringLiteral("no_card_out"));
        d = s.decide(req("fetch", "GET", "/v1/pay", ",\"query\":{\"n\":\"4111111111111111\"}"));
        QCOMPARE(QString::fromStdString(d.policy), QStringLiteral("no_card_out"));
        QCOMPARE(outcome(s.decide(req("fetch", "GET", "/v1/pay", ",\"query\":{\"n\":\"12\"}"))), QStringLiteral("allow"));
    }

    void requestCompletion()
    {
        std::string err;
        auto r = Request::fromJson(
            "{\"trigger\":\"network_egress\",\"destination\":{\"host\":\"api.example.com\",\"port\":8443},\"request\":{\"method\":\"POST\",\"headers\":{\"content-type\":\"text/plain\"},\"body\":\"hi\"}}",
            err);
        QVERIFY2(r, err.c_str());
        QCOMPARE(r->get(Var::RequestPath).toString(), std::string("/"));
        QVERIFY(r->get(Var::RequestQuery).isMap());
        QCOMPARE(r->get(Var::RequestContentType).toString(), std::string("text/plain"));
        QCOMPARE(r->get(Var::RequestUrl).toString(), std::string("https://api.example.com:8443/"));
        QCOMPARE(r->get(Var::RequestBytes).toInt(), std::int64_t(2));
        // Header names are lower-case, as the guardian gives them.
        QVERIFY(!Request::fromJson(
            "{\"trigger\":\"network_egress\",\"destination\":{\"host\":\"a.com\",\"port\":443},\"request\":{\"headers\":{\"X-A\":\"1\"}}}", err));
        QVERIFY(QString::fromStdString(err).contains(QStringLiteral("lower-case")));
        // Without any of them, none is set: a connection decided as a whole.
        r = Request::fromJson("{\"trigger\":\"network_egress\",\"destination\":{\"host\":\"a.com\",\"port\":443}}", err);
        QVERIFY(r && r->get(Var::RequestMethod).isNull() && r->get(Var::RequestBody).isNull());
    }

    void connectionLevelCheckSkipsContentPolicies()
    {
        const std::string head = "version: 1\nname: c\nnetwork:\n  rules:\n    - tool: fetch\n      allowed_hosts: [api.example.com]\n"
                                 "policies:\n";
        const std::string content = "  - name: body\n    trigger: network_egress\n    condition: contains_pii(request.body)\n    action: block\n";
        const std::string host = "  - name: host\n    trigger: network_egress\n    condition: destination.port == 443\n    action: block\n";
        std::string err;
        auto r = Request::fromJson(
            "{\"trigger\":\"network_egress\",\"tool\":{\"name\":\"fetch\"},\"destination\":{\"host\":\"api.example.com\",\"ip\":\"93.184.216.34\",\"port\":443}}", err);
        QVERIFY(r);
        {
            // The content policy comes first: only a request can tell, so the connection opens.
            Session s(head + content + host);
            Request q = *r;
            s.engine().derive(q, s.state());
            QVERIFY(!s.engine().refusalBeforeRequests(q, s.state()));
            QCOMPARE(s.engine().egressRule(q, s.state()), 0);
            // A request on it is then decided in full.
            QCOMPARE(outcome(s.decide(req("fetch", "GET", "/", ",\"body\":\"4111111111111111\""))), QStringLiteral("block"));
        }
        {
            // A policy before it that refuses whatever the request: refused at once.
            Session s(head + host + content);
            Request q = *r;
            s.engine().derive(q, s.state());
            const auto refused = s.engine().refusalBeforeRequests(q, s.state());
            QVERIFY(refused);
            QCOMPARE(QString::fromStdString(refused->policy), QStringLiteral("host"));
        }
    }

    void validatorOnHttpRules()
    {
        const std::string head = "version: 1\nname: v\nnetwork:\n  rules:\n    - tool: t\n      allowed_hosts: [a.com]\n";
        QVERIFY(hasCode(diagnose(head + "      methods: [get]\n"), "E090"));
        QVERIFY(hasCode(diagnose(head + "      methods: [CONNECT]\n"), "E090"));
        QVERIFY(hasCode(diagnose(head + "      methods: [GET]\n      access: read-only\n"), "E091"));
        QVERIFY(hasCode(diagnose(head + "      paths: ['v1/**']\n"), "E092"));
        QVERIFY(hasCode(diagnose(head + "      inspect: false\n      methods: [GET]\n"), "E093"));
        QVERIFY(hasCode(diagnose(head + "      protocol: tcp\n      inspect: true\n"), "E093"));
        QVERIFY(hasCode(diagnose(head + "      ca_file: ''\n"), "E094"));
        QVERIFY(hasCode(diagnose(head + "      protocol: http\n      ca_file: /etc/x.pem\n"), "E094"));
        const auto clean = diagnose(head + "      methods: [GET, POST]\n      paths: ['/v1/**']\n      ca_file: /etc/x.pem\n");
        QVERIFY2(!hasErrors(clean), qPrintable(dump(clean)));
        const auto warn = diagnose(head + "      inspect: false\npolicies:\n  - name: p\n    trigger: network_egress\n"
                                          "    condition: contains_pii(request.body)\n    action: block\n");
        QVERIFY2(hasCode(warn, "W095"), qPrintable(dump(warn)));
        // Two rules for one host that differ in their methods are not duplicates.
        const auto two = diagnose(head + "      methods: [GET]\n    - tool: t\n      allowed_hosts: [a.com]\n      methods: [POST]\n");
        QVERIFY2(!hasCode(two, "W050"), qPrintable(dump(two)));
    }
};

QTEST_APPLESS_MAIN(TestHttpRules)
#include "tst_httprules.moc"
