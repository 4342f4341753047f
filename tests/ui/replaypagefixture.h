#pragma once
// What the Replay page's tests share (tst_replaypage, tst_replaypage_timeline,
// tst_replaypage_trace): the recorded policy and a stricter one for what-if,
// a ten-event session "s1" appended to a temporary audit store (one second
// apart, three violations), and small helpers to open stores and sessions.

#include "replay/replaypage.h"

#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "replay/whatif.h"

#include <QFile>
#include <QObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <string>

namespace replaytest {

using namespace osh;

inline const char *kPolicy = R"(version: 1
name: replay-test
policies:
  - name: no-http
    trigger: tool_call
    condition: tool.name == 'http_get'
    action: block
    message: no http
  - name: mail-review
    trigger: tool_call
    condition: tool.name == 'email_send' and tool.args.to == 'boss@example.com'
    action: escalate
    escalation: review
tools:
  - {name: http_get, command: [get]}
  - {name: email_send, command: [mail]}
  - {name: search, command: [search]}
)";

// The what-if policy: e-mail is now blocked, http no longer is.
inline const char *kStricter = R"(version: 1
name: replay-test
policies:
  - name: no-mail
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: block
    message: no mail
tools:
  - {name: http_get, command: [get]}
  - {name: email_send, command: [mail]}
  - {name: search, command: [search]}
)";

inline constexpr double kStart = 1.8e9;

struct Spec
{
    const char *type;
    const char *tool;
    const char *decision;
    const char *policy;
    const char *severity;
    const char *to; // email recipient, for the recorded request
};

// seq = index + 1, one second apart.
inline const Spec kEvents[] = {
    {"reasoning", "", "", "", "info", nullptr},                               // row 0
    {"tool_call", "search", "allow", "", "info", nullptr},                    // 1
    {"tool_call", "http_get", "block", "no-http", "warning", nullptr},        // 2 violation
    {"tool_call", "email_send", "allow", "", "info", "team@example.com"},     // 3
    {"data_output", "", "", "", "info", nullptr},                             // 4
    {"tool_call", "email_send", "escalate", "mail-review", "warning", "boss@example.com"}, // 5 violation
    {"network_egress", "http_get", "allow", "", "info", nullptr},             // 6
    {"file_access", "search", "allow", "", "info", nullptr},                  // 7
    {"sandbox", "", "", "", "critical", nullptr},                             // 8 violation (critical)
    {"tool_call", "search", "allow", "", "info", nullptr},                    // 9
};
inline constexpr int kCount = static_cast<int>(sizeof(kEvents) / sizeof(kEvents[0]));

// A store of its own in dir (file name), for a test that needs other sessions.
inline std::unique_ptr<AuditStore> openStore(const QTemporaryDir &dir, const QString &name)
{
    std::string error;
    auto store = AuditStore::open(dir.filePath(name).toStdString(), error);
    if (!store)
        qWarning("cannot open %s: %s", qPrintable(name), error.c_str());
    return store;
}

// One allowed tool call in a session of its own, started at start; flushed.
inline bool recordSession(AuditStore &store, const std::string &id, double start)
{
    SessionRecord rec;
    rec.id = id;
    rec.startedAt = start;
    store.beginSession(rec);
    AuditEvent e;
    e.sessionId = id;
    e.ts = start + 1;
    e.type = "tool_call";
    e.tool = "knowledge_search";
    e.decision = "allow";
    store.append(e);
    return store.flush(10000);
}

// The test classes' base: the shared store with session s1, made by
// setUpStore() (their initTestCase) and released by tearDownStore().
class ReplayPageFixture : public QObject
{
protected:
    QTemporaryDir m_dir;
    std::unique_ptr<AuditStore> m_store;
    QString m_policyFile;

    // A page on the shared store with s1 open.
    bool openS1(osh::ui::ReplayPage &page)
    {
        page.setStore(m_store.get());
        return page.openSession(QStringLiteral("s1"));
    }

    void tearDownStore() { m_store.reset(); }

    void setUpStore()
    {
        QVERIFY(m_dir.isValid());
        m_policyFile = m_dir.filePath(QStringLiteral("replay.policy.yaml"));
        QFile f(m_policyFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPolicy);
        f.close();
        std::string error;
        m_store = AuditStore::open(m_dir.filePath(QStringLiteral("audit.db")).toStdString(), error);
        QVERIFY2(m_store, error.c_str());
        SessionRecord rec;
        rec.id = "s1";
        rec.startedAt = kStart;
        rec.policyFile = m_policyFile.toStdString();
        rec.isolation = "gvisor";
        rec.command = "[\"agent\"]";
        m_store->beginSession(rec);
        for (int i = 0; i < kCount; ++i) {
            const Spec &s = kEvents[i];
            AuditEvent e;
            e.sessionId = "s1";
            e.ts = kStart + i;
            e.type = s.type;
            e.tool = s.tool;
            e.decision = s.decision;
            e.layer = *s.decision ? "policy" : "";
            e.policy = s.policy;
            e.severity = s.severity;
            e.message = "event " + std::to_string(i + 1) + (i == 5 ? " needle" : "");
            if (*s.tool) {
                e.parameters = s.to ? std::string("{\"to\":\"[EMAIL]\"}") : std::string("{\"q\":\"x\"}");
                if (e.type == "tool_call") {
                    e.request = std::string("{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"") + s.tool
                        + "\",\"args\":{" + (s.to ? std::string("\"to\":\"") + s.to + "\"" : std::string()) + "}}}";
                }
            }
            if (*s.decision)
                e.trace = "{\"outcome\":\"" + std::string(s.decision) + "\",\"trace\":[{\"layer\":\"policy\",\"policy\":\""
                    + s.policy + "\",\"matched\":true}]}";
            if (i == 5) { // the escalation as the gateway records it: the engine's own decision
                std::string err;
                const auto doc = replay::WhatIf::policyFromText(kPolicy, "replay.policy.yaml", err);
                QVERIFY2(doc, err.c_str());
                const DecisionEngine engine(doc);
                SessionState state("s1");
                auto req = Request::fromJson(e.request, err);
                QVERIFY2(req, err.c_str());
                const Decision d = engine.decide(*req, state);
                QCOMPARE(actionName(d.outcome), std::string_view("escalate"));
                e.trace = d.toJson();
            }
            if (i == 2) // a decisive trace as the engine writes it (shape pinned by tst_policyindex)
                e.trace = R"({"outcome":"block","trace":[{"layer":"sandbox","verdict":"allow"},)"
                          R"({"layer":"policy","skipped":7,"because":"tool.name"},)"
                          R"({"layer":"policy","policy":"no-http","matched":true,"reads":{"tool.name":"http"},)"
                          R"x("pii":{"contains_pii(tool.args)":[{"begin":5,"check":"luhn","detail":"visa","end":26,)x"
                          R"x("in":".body","seen":["mixed_separators","line_break"],"type":"credit_card"}]}}]})x";
            m_store->append(e);
        }
        m_store->endSession("s1", 0, "exited", kStart + kCount);
        QVERIFY(m_store->flush(10000));
    }
};

} // namespace replaytest
