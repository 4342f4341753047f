// Replay core: PII surrogates, ReplaySession loading/filters/violations,
// what-if against the engine on the original requests, approximate replay
// of events recorded without a request, migration from schema 2, import.

#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "model/policyvalidator.h"
#include "pii/piidetector.h"
#include "oldschemas.h"
#include "rawdb.h"
#include "storebackend.h"
#include "replay/piisurrogate.h"
#include "replay/replaysession.h"
#include "replay/sessionimporter.h"
#include "replay/whatif.h"
#include "replayfixtures.h"

#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace osh;
using namespace osh::replay;

namespace {

std::shared_ptr<const PolicyDocument> policy(const char *text)
{
    std::string error;
    auto doc = WhatIf::policyFromText(text, "test.policy.yaml", error);
    if (!doc)
        qFatal("policy: %s", error.c_str());
    return doc;
}

Request request(const std::string &line)
{
    std::string error;
    auto r = Request::fromJson(line, error);
    if (!r)
        qFatal("request: %s", error.c_str());
    return *r;
}

// What the gateway records for a decided action: redacted parameters, the
// request with surrogates (or none, as a store before schema 3 had).
AuditEvent recorded(const std::string &session, Request req, const DecisionEngine &engine, SessionState &state,
                    bool withRequest)
{
    AuditEvent e;
    e.sessionId = session;
    e.ts = *req.ts;
    e.type = std::string(triggerName(req.trigger));
    const auto &det = pii::PiiDetector::instance();
    if (req.trigger == Trigger::ToolCall) {
        e.tool = req.get(Var::ToolName).toString();
        std::string args;
        req.get(Var::ToolArgs).appendJson(args);
        e.parameters = det.redact(args);
    } else if (req.trigger == Trigger::AgentResponse) {
        std::string t;
        appendJsonString(t, req.get(Var::Response).toString());
        e.parameters = det.redact("{\"text\":" + t + "}");
    } else {
        std::string t;
        appendJsonString(t, req.get(Var::Output).toString());
        e.parameters = det.redact("{\"text\":" + t + "}");
    }
    if (withRequest)
        e.request = surrogateRequestJson(req).value_or(std::string());
    const Decision d = engine.decide(req, state);
    e.decision = std::string(actionName(d.outcome));
    e.layer = d.layer == Layer::None ? std::string() : std::string(layerName(d.layer));
    e.policy = d.policy;
    e.message = d.message;
    e.severity = std::string(logLevelName(d.logLevel));
    return e;
}

// The fixture session decided by a policy directly on the original requests.
std::vector<Decision> decideAll(const std::shared_ptr<const PolicyDocument> &doc, const std::string &session)
{
    DecisionEngine engine(doc);
    SessionState state(session);
    std::vector<Decision> out;
    for (const auto &l : replaytest::sessionLines()) {
        auto r = request(l);
        out.push_back(engine.decide(r, state));
    }
    return out;
}

// A v2 store (no events.request) with one session of three events.
const std::string kSchemaV2 = std::string(kAuditLayoutV2) + R"sql(
INSERT INTO sessions(id, started_at, policy_file) VALUES ('old', 1000, 'old.policy.yaml');
INSERT INTO events(session_id, seq, ts, type, tool, parameters, decision, policy) VALUES
    ('old', 1, 1000, 'tool_call', 'email_send', '{"body":"card [REDACTED:credit_card]","to":"[REDACTED:email]"}',
     'escalate', 'email-approval'),
    ('old', 2, 1001, 'reasoning', '', '{"text":"thinking"}', '', ''),
    ('old', 3, 1002, 'data_output', 'search', '{}', 'allow', '');
INSERT INTO session_counts VALUES ('old', 'escalate', 1), ('old', 'none', 1), ('old', 'allow', 1);
)sql";

} // namespace

class TstReplay : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend;
    // A store nobody used yet (a PostgreSQL database with
    // OSH_AUDIT_BACKEND=postgresql, storebackend.h).
    std::string path()
    {
        std::string error;
        if (!m_backend.fresh(m_dir, error))
            qFatal("fresh store: %s", error.c_str());
        return m_backend.store();
    }

    std::unique_ptr<AuditStore> open(const std::string &p)
    {
        std::string error;
        auto s = AuditStore::open(p, error);
        if (!s)
            qFatal("open: %s", error.c_str());
        return s;
    }

    // The fixture session recorded under policy A (as the gateway would),
    // plus a reasoning event in the middle.
    void record(AuditStore &store, const std::string &id, bool withRequests)
    {
        SessionRecord rec;
        rec.id = id;
        rec.startedAt = 1000;
        rec.policyFile = "/nowhere/a.policy.yaml";
        store.beginSession(rec);
        DecisionEngine engine(policy(replaytest::kPolicyA));
        SessionState state(id);
        int i = 0;
        for (const auto &l : replaytest::sessionLines()) {
            store.append(recorded(id, request(l), engine, state, withRequests));
            if (++i == 4) {
                AuditEvent r;
                r.sessionId = id;
                r.ts = 1003.5;
                r.type = "reasoning";
                r.message = "Thinking about the Refund";
                r.parameters = "{\"text\":\"hmm\"}";
                store.append(r);
            }
        }
        QVERIFY(store.flush());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void surrogatesKeepTheirType_data()
    {
        QTest::addColumn<int>("type");
        for (int t = 0; t < pii::kPiiTypeCount; ++t)
            QTest::newRow(std::string(pii::typeName(static_cast<pii::PiiType>(t))).c_str()) << t;
    }
    void surrogatesKeepTheirType()
    {
        QFETCH(int, type);
        const auto t = static_cast<pii::PiiType>(type);
        std::set<std::string> seen;
        for (int i = 0; i < 40; ++i) {
            const auto s = piiSurrogate(t, i);
            seen.insert(s);
            const auto m = pii::PiiDetector::instance().find("value: " + s + " end");
            QVERIFY2(m.size() == 1, s.c_str());
            QCOMPARE(m[0].type, t);
            QCOMPARE(m[0].end - m[0].begin, s.size());
        }
        // Distinct values of one request get distinct surrogates.
        QVERIFY(seen.size() >= 40);
    }

    void surrogateRequestHoldsNoRealPii()
    {
        const auto req = request(R"({"trigger":"tool_call","ts":5,"tool":{"name":"email_send","args":)"
                                 R"({"to":"jane.doe@corp.example.com","cc":"jane.doe@corp.example.com",)"
                                 R"("body":"card 4539 1488 0343 6467, ssn 123-45-6789","jane.doe@corp.example.com":1}}})");
        const auto json = surrogateRequestJson(req);
        QVERIFY(json);
        QVERIFY2(json->find("jane.doe") == std::string::npos, json->c_str());
        QVERIFY(json->find("4539") == std::string::npos);
        QVERIFY(json->find("123-45-6789") == std::string::npos);
        // Same value, same surrogate; and the request still parses.
        std::string error;
        const auto back = Request::fromJson(*json, error);
        QVERIFY2(back, error.c_str());
        const auto &args = back->get(Var::ToolArgs);
        QCOMPARE(args.member("to").toString(), args.member("cc").toString());
        QCOMPARE(args.member("to").toString(), piiSurrogate(pii::PiiType::Email, 0));
        QCOMPARE(*back->ts, 5.0);
        const auto types = pii::PiiDetector::instance().find(args.member("body").toString());
        QCOMPARE(types.size(), std::size_t(2));
        QCOMPARE(types[0].type, pii::PiiType::CreditCard);
        QCOMPARE(types[1].type, pii::PiiType::Ssn);
    }

    void loadsColumnsAndViolations()
    {
        auto store = open(path());
        record(*store, "s1", true);
        std::string error;
        auto s = ReplaySession::load(*store, "s1", error);
        QVERIFY2(s, error.c_str());
        QCOMPARE(s->size(), std::size_t(11));
        QCOMPARE(s->record().policyFile, std::string("/nowhere/a.policy.yaml"));
        QCOMPARE(s->startTs(), 1000.0);
        QCOMPARE(s->endTs(), 1200.0);
        QCOMPARE(s->seq(0), std::int64_t(1));
        QCOMPARE(s->type(4), std::string_view("reasoning"));
        QCOMPARE(s->outcome(4), Outcome::None);
        QVERIFY(!s->hasRequest(4));
        QVERIFY(s->hasRequest(0));
        QCOMPARE(s->tool(1), std::string_view("email_send"));
        QCOMPARE(s->outcome(1), Outcome::Escalate);
        QCOMPARE(s->policy(1), std::string_view("email-approval"));
        // Under A: both emails escalated, 2 PII outputs redacted, the 4th
        // search within a minute blocked.
        std::vector<std::int64_t> v;
        for (auto row : s->violations())
            v.push_back(s->seq(row));
        QCOMPARE(v, (std::vector<std::int64_t>{2, 3, 4, 6, 9}));
        QCOMPARE(s->outcome(*s->rowOfSeq(9)), Outcome::Block);
        QVERIFY(!s->rowOfSeq(99));
        QCOMPARE(s->rowAtOrAfter(1003.2), std::size_t(4));
        QCOMPARE(s->rowAtOrAfter(5000), s->size());
        const auto d = s->details(4, &error);
        QVERIFY2(d, error.c_str());
        QCOMPARE(d->message, std::string("Thinking about the Refund"));
        QVERIFY(s->memoryBytes() > 0);

        QVERIFY(!ReplaySession::load(*store, "nope", error));
        QVERIFY2(error.find("no session 'nope'") != std::string::npos, error.c_str());
    }

    void filters()
    {
        auto store = open(path());
        record(*store, "s1", true);
        std::string error;
        auto s = *ReplaySession::load(*store, "s1", error);
        auto seqs = [&](const ReplayFilter &f) {
            std::vector<std::int64_t> out;
            std::string err;
            for (auto row : s.filter(f, &err))
                out.push_back(s.seq(row));
            if (!err.empty())
                qWarning("%s", err.c_str());
            return out;
        };
        ReplayFilter f;
        f.tools = {"email_send"};
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{2, 3}));
        f = {};
        f.outcomes = {Outcome::Redact, Outcome::Block};
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{4, 6, 9}));
        f = {};
        f.types = {"reasoning"};
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{5}));
        f = {};
        f.tools = {"unknown-tool"};
        QVERIFY(seqs(f).empty());
        f = {};
        f.violationsOnly = true;
        f.since = 1002;
        f.until = 1009;
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{3, 4, 6, 9}));
        // Text: in the message (case-insensitive), the parameters, a policy name.
        f = {};
        f.text = "refund";
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{1, 5}));
        f.text = "EMAIL-APPROVAL";
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{2, 3}));
        f.text = "later";
        f.tools = {"search"};
        QCOMPARE(seqs(f), (std::vector<std::int64_t>{11}));
    }

    // What-if on the recorded session equals deciding the original requests
    // (real PII, not surrogates) with the other policy directly.
    void whatIfMatchesTheEngine()
    {
        auto store = open(path());
        record(*store, "s1", true);
        const auto a = decideAll(policy(replaytest::kPolicyA), "s1");
        const auto b = decideAll(policy(replaytest::kPolicyB), "s1");
        std::string error;
        const DecisionEngine engineB(policy(replaytest::kPolicyB));
        const auto r = WhatIf::run(*store, "s1", engineB, error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->actions.size(), a.size());
        QCOMPARE(r->approximate, std::size_t(0));
        QVERIFY(r->unreplayable.empty());
        std::size_t changed = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const auto &act = r->actions[i];
            QCOMPARE(outcomeName(act.before), actionName(a[i].outcome));
            QCOMPARE(outcomeName(act.after), actionName(b[i].outcome));
            QCOMPARE(r->policies.name(act.policyBefore), a[i].policy);
            QCOMPARE(r->policies.name(act.policyAfter), b[i].policy);
            changed += a[i].outcome != b[i].outcome || a[i].policy != b[i].policy;
        }
        QCOMPARE(r->changed.size(), changed);
        // The known differences, seq by seq (seq 5 is the reasoning event).
        auto at = [&](std::int64_t seq) {
            for (const auto &x : r->actions)
                if (x.seq == seq)
                    return x;
            return WhatIfAction{};
        };
        QCOMPARE(at(2).after, Outcome::Allow); // no longer escalated
        QCOMPARE(at(3).after, Outcome::Block); // card by email
        QCOMPARE(r->policies.name(at(3).policyAfter), std::string("no-cards"));
        QCOMPARE(at(6).after, Outcome::Allow); // SSN only: no longer redacted
        QCOMPARE(at(8).after, Outcome::Block); // burst of 2 (recorded times)
        QCOMPARE(at(11).after, Outcome::Block); // total cost past 1.2
        QCOMPARE(at(4).after, Outcome::Redact); // email in the output: still
        const auto text = r->summaryText();
        QVERIFY2(text.find("would now be blocked") != std::string::npos, text.c_str());
        QVERIFY2(text.find("1 no longer escalated") != std::string::npos, text.c_str());
        QVERIFY2(text.find("1 no longer redacted") != std::string::npos, text.c_str());

        // Against the recorded policy itself nothing changes.
        const DecisionEngine engineA(policy(replaytest::kPolicyA));
        const auto same = WhatIf::run(*store, "s1", engineA, error);
        QVERIFY(same);
        QVERIFY(same->changed.empty());
        QCOMPARE(same->summaryText(), std::string("no decision would change"));

        // Through a loaded ReplaySession, and from memory: the same.
        auto s = ReplaySession::load(*store, "s1", error);
        const auto viaSession = WhatIf::run(*s, engineB, error);
        QVERIFY(viaSession);
        QCOMPARE(viaSession->changed, r->changed);
        std::vector<WhatIfInput> inputs;
        std::int64_t seq = 0;
        for (const auto &l : replaytest::sessionLines())
            inputs.push_back({++seq, l, Outcome::None, {}});
        const auto mem = WhatIf::run(inputs, "s1", engineB);
        QCOMPARE(mem.actions.size(), b.size());
        for (std::size_t i = 0; i < b.size(); ++i)
            QCOMPARE(outcomeName(mem.actions[i].after), actionName(b[i].outcome));
    }

    // A usage report between two tool calls raises the session's cost as it
    // did live: replaying against the recording's own policy changes nothing,
    // and a policy with a higher limit lets the later call through.
    void usageReportsReplayIntoTheSessionCost()
    {
        const char *capped = R"yaml(version: 1
name: capped
policies:
  - name: cost-limit
    trigger: tool_call
    condition: session.total_cost > 5.0
    action: block
tools:
  - {name: search, command: [search]}
)yaml";
        auto store = open(path());
        SessionRecord rec;
        rec.id = "costly";
        rec.startedAt = 1000;
        store->beginSession(rec);
        DecisionEngine engine(policy(capped));
        SessionState state("costly");
        const std::string call = R"({"trigger":"tool_call","tool":{"name":"search","args":{"q":"x"}}})";
        auto first = request(call);
        first.ts = 1001;
        store->append(recorded("costly", first, engine, state, true));
        AuditEvent usage;
        usage.sessionId = "costly";
        usage.ts = 1001.5;
        usage.type = "usage";
        usage.parameters = R"({"cost":6})";
        store->append(usage);
        state.addCost(6); // as the gateway does for openshell/usage
        auto second = request(call);
        second.ts = 1003;
        const AuditEvent last = recorded("costly", second, engine, state, true);
        QCOMPARE(last.decision, std::string("block"));
        store->append(last);
        QVERIFY(store->flush());

        std::string error;
        const auto same = WhatIf::run(*store, "costly", engine, error);
        QVERIFY2(same, error.c_str());
        QCOMPARE(same->actions.size(), std::size_t(2)); // the usage report is not an action
        QVERIFY(same->changed.empty());

        std::string relaxedText(capped);
        relaxedText.replace(relaxedText.find("5.0"), 3, "50.0");
        const DecisionEngine relaxed(policy(relaxedText.c_str()));
        const auto more = WhatIf::run(*store, "costly", relaxed, error);
        QVERIFY2(more, error.c_str());
        QCOMPARE(more->changed.size(), std::size_t(1));
        QCOMPARE(more->actions[more->changed[0]].seq, std::int64_t(3));
        QVERIFY(more->actions[more->changed[0]].after == Outcome::Allow);
    }

    void approximateWithoutRequests()
    {
        auto store = open(path());
        record(*store, "s1", false);
        std::string error;
        const DecisionEngine engineB(policy(replaytest::kPolicyB));
        const auto r = WhatIf::run(*store, "s1", engineB, error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->actions.size(), std::size_t(10));
        QCOMPARE(r->approximate, std::size_t(10));
        for (const auto &a : r->actions)
            QVERIFY(a.approximate);
        // The redacted card became a card surrogate: still blocked by B.
        QCOMPARE(r->actions[2].after, Outcome::Block);
        QCOMPARE(r->policies.name(r->actions[2].policyAfter), std::string("no-cards"));
        // Each action says why: a search without PII was rebuilt from its
        // parameters as they are; the card's from redacted ones.
        QCOMPARE(r->actions[0].approximation, Approximation::FromParameters);
        QCOMPARE(r->actions[2].approximation, Approximation::FromRedactedParameters);
    }

    // Per action, what its replay was rebuilt from: the recorded request
    // (exact), the network guardian's own record of a connection (exact), or
    // of an inspected HTTP request (approximate: the audit keeps only part).
    void approximationPerAction()
    {
        auto store = open(path());
        SessionRecord rec;
        rec.id = "mixed";
        rec.startedAt = 1000;
        store->beginSession(rec);
        auto event = [&](const char *type, const char *tool, const std::string &parameters, const std::string &req) {
            AuditEvent e;
            e.sessionId = "mixed";
            e.ts = 1000;
            e.type = type;
            e.tool = tool;
            e.decision = "allow";
            e.parameters = parameters;
            e.request = req;
            store->append(e);
        };
        event("tool_call", "search", R"({"q":"a"})", R"({"trigger":"tool_call","tool":{"name":"search","args":{"q":"a"}}})");
        event("network_egress", "fetch",
              R"({"trigger":"network_egress","tool":{"name":"fetch"},"destination":{"host":"h.example","port":443}})", {});
        event("network_egress", "fetch",
              R"({"trigger":"network_egress","tool":{"name":"fetch"},"destination":{"host":"h.example","port":443},)"
              R"("request":{"method":"POST","path":"/x","body":"[REDACTED:email]"}})",
              {});
        event("tool_call", "search", R"({"q":"b"})", {});
        QVERIFY(store->flush());
        std::string error;
        const DecisionEngine engine(policy(replaytest::kPolicyB));
        const auto r = WhatIf::run(*store, "mixed", engine, error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->actions.size(), std::size_t(4));
        QCOMPARE(r->actions[0].approximation, Approximation::Exact);
        QCOMPARE(r->actions[1].approximation, Approximation::Exact);
        QCOMPARE(r->actions[2].approximation, Approximation::InspectedHttp);
        QCOMPARE(r->actions[3].approximation, Approximation::FromParameters);
        for (const auto &a : r->actions)
            QCOMPARE(a.approximate, a.approximation != Approximation::Exact);
        QCOMPARE(r->approximate, std::size_t(2));
    }

    void migratesFromVersion2()
    {
        if (m_backend.isPostgres())
            QSKIP("about an SQLite file of schema 2");
        const auto p = path();
        {
            RawDb db(p);
            QCOMPARE(db.exec(kSchemaV2), std::string());
        }
        auto store = open(p);
        {
            RawDb db(p);
            QCOMPARE(db.text("SELECT value FROM meta WHERE key = 'schema_version'"), std::string("5"));
            QCOMPARE(db.text("SELECT COUNT(*) FROM events WHERE request = ''"), std::string("3"));
        }
        std::string error;
        auto s = ReplaySession::load(*store, "old", error);
        QVERIFY2(s, error.c_str());
        QCOMPARE(s->size(), std::size_t(3));
        QVERIFY(!s->hasRequest(0));
        const DecisionEngine engineB(policy(replaytest::kPolicyB));
        const auto r = WhatIf::run(*s, engineB, error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->actions.size(), std::size_t(1));
        QVERIFY(r->actions[0].approximate);
        QCOMPARE(r->actions[0].before, Outcome::Escalate);
        QCOMPARE(r->actions[0].after, Outcome::Block);
        QCOMPARE(r->unreplayable.size(), std::size_t(1)); // the output was not recorded
        QCOMPARE(r->unreplayable[0].first, std::int64_t(3));
        // New events carry their request.
        AuditEvent e;
        e.sessionId = "old";
        e.type = "tool_call";
        e.decision = "allow";
        e.request = R"({"trigger":"tool_call","tool":{"name":"search","args":{}}})";
        QCOMPARE(store->append(e), std::int64_t(4));
        QVERIFY(store->flush());
        QCOMPARE(store->event("old", 4)->request, e.request);
    }

    void importsGoodLines()
    {
        auto store = open(path());
        ImportOptions opt;
        opt.policy = policy(replaytest::kPolicyA);
        opt.policyFile = "/x/a.policy.yaml";
        const auto text = replaytest::joined(replaytest::sessionLines()) + "\n   \n";
        const auto res = SessionImporter::importText(*store, text, "in.jsonl", opt);
        QVERIFY2(res.ok, res.error.c_str());
        QVERIFY(QString::fromStdString(res.sessionId).startsWith(QLatin1StringView("import-")));
        QCOMPARE(res.events, std::size_t(10));
        const auto a = decideAll(opt.policy, res.sessionId);
        AuditQuery q;
        q.sessionId = res.sessionId;
        const auto events = store->query(q);
        QCOMPARE(events.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(events[i].decision, std::string(actionName(a[i].outcome)));
            QCOMPARE(events[i].policy, a[i].policy);
            QVERIFY(!events[i].request.empty());
            // The store holds no real PII, in parameters or request.
            QVERIFY(events[i].parameters.find("jane.doe") == std::string::npos);
            QVERIFY(events[i].request.find("jane.doe") == std::string::npos);
        }
        QCOMPARE(events[0].ts, 1000.0);
        QCOMPARE(store->sessions().back().session.exitReason, std::string("imported"));

        // Without a policy: no decisions; what-if still decides every action.
        ImportOptions none;
        none.sessionId = "raw";
        QVERIFY(SessionImporter::importText(*store, text, "in.jsonl", none).ok);
        std::string error;
        const DecisionEngine engineA(opt.policy);
        const auto r = WhatIf::run(*store, "raw", engineA, error);
        QVERIFY(r);
        QCOMPARE(r->actions.size(), std::size_t(10));
        QCOMPARE(r->actions[1].before, Outcome::None);
        QCOMPARE(r->actions[1].after, Outcome::Escalate);
        // An existing id is refused.
        const auto again = SessionImporter::importText(*store, text, "in.jsonl", none);
        QVERIFY(!again.ok);
        QVERIFY2(again.error.find("already exists") != std::string::npos, again.error.c_str());
    }

    void importRefusesBadLines()
    {
        auto store = open(path());
        const std::string text = "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"a\"}}\n"
                                 "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"a\"},}\n"
                                 "\n"
                                 "{\"trigger\":\"tool_call\",\"tool\":{\"name\":7}}\n"
                                 "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"a\"},\"extra\":1}\n";
        const auto res = SessionImporter::importText(*store, text, "bad.jsonl", {});
        QVERIFY(!res.ok);
        QCOMPARE(res.errors.size(), std::size_t(3));
        QCOMPARE(res.errors[0].line, 2);
        QCOMPARE(res.errors[0].column, 44); // the '}' after the trailing comma
        QCOMPARE(res.errors[1].format(), std::string("bad.jsonl:4:32: 'tool.name' must be a string"));
        QCOMPARE(res.errors[2].format(), std::string("bad.jsonl:5:44: unknown field 'extra'"));
        QVERIFY(store->sessions().empty());
        QVERIFY(store->query(AuditQuery{}).empty());

        const auto mixed = SessionImporter::importText(
            *store,
            "{\"trigger\":\"agent_response\",\"response\":\"a\",\"session\":{\"id\":\"x\"}}\n"
            "{\"trigger\":\"agent_response\",\"response\":\"b\",\"session\":{\"id\":\"y\"}}\n",
            "m.jsonl", {});
        QCOMPARE(mixed.errors.size(), std::size_t(1));
        QCOMPARE(mixed.errors[0].line, 2);
        QVERIFY(store->sessions().empty());
        const auto empty = SessionImporter::importText(*store, "\n\n", "e.jsonl", {});
        QVERIFY(!empty.ok);
        QCOMPARE(empty.error, std::string("e.jsonl: no requests to import"));
    }
};

QTEST_GUILESS_MAIN(TstReplay)
#include "tst_replay.moc"
