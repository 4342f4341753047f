// The gateway records, with each decided action, the request it decided in
// eval format with PII replaced by surrogates; replaying those requests
// under the same policy gives the recorded decisions, and under another
// policy the decisions the engine gives on the original requests.

#include "gatewaytestsupport.h"

#include "gateway/gateway.h"
#include "gateway/processtoolrunner.h"
#include "model/policyvalidator.h"
#include "replay/whatif.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace osh;
using namespace osh::runtime;

namespace {

class Denier final : public ApprovalBroker
{
public:
    void request(ApprovalRequest, std::function<void(ApprovalAnswer)> answer) override
    {
        QTimer::singleShot(5, [answer] { answer(ApprovalAnswer{}); });
    }
};

const char *kPolicy = R"yaml(version: 1
name: gw
policies:
  - name: email-approval
    trigger: tool_call
    condition: tool.name == 'email_send'
    action: escalate
    escalation: human_queue
  - name: pii-out
    trigger: data_output
    condition: contains_pii(output)
    action: redact
  - name: redact-response
    trigger: agent_response
    condition: contains_pii(response)
    action: redact
tools:
  - {name: echo, command: [sh, -c, cat]}
  - {name: card_lookup, command: [sh, -c, "echo 'card 4539 1488 0343 6467 for jane.doe@corp.example.com'"]}
  - {name: email_send, command: [sh, -c, "echo sent"]}
)yaml";

// Emails are allowed, but cards in their body are blocked; only emails are
// redacted from outputs.
const char *kOther = R"yaml(version: 1
name: other
policies:
  - name: no-cards
    trigger: tool_call
    condition: tool.name == 'email_send' and contains_pii(tool.args.body, ['credit_card'])
    action: block
  - name: email-out
    trigger: data_output
    condition: contains_pii(output, ['email'])
    action: redact
tools:
  - {name: echo, command: [sh, -c, cat]}
  - {name: card_lookup, command: [sh, -c, "true"]}
  - {name: email_send, command: [sh, -c, "true"]}
)yaml";

std::shared_ptr<const PolicyDocument> load(const char *text)
{
    std::string error;
    auto doc = replay::WhatIf::policyFromText(text, "p.yaml", error);
    if (!doc)
        qFatal("%s", error.c_str());
    return doc;
}

} // namespace

class TstGatewayRecord : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    osh::test::GatewayClient m_client;

private Q_SLOTS:
    void recordsReplayableRequests()
    {
        QVERIFY(m_dir.isValid());
        SessionState state("gw");
        ProcessToolRunner runner(m_dir.path());
        osh::test::CollectingSink audit;
        Denier denier;
        Gateway::Options o;
        o.sessionId = "gw";
        Gateway gateway(std::make_shared<DecisionEngine>(load(kPolicy)), &state, &runner, &audit, &denier, o);
        QString err;
        QVERIFY2(gateway.listen(m_dir.filePath(QStringLiteral("gw.sock")), &err), qPrintable(err));
        m_client.socket.connectToServer(m_dir.filePath(QStringLiteral("gw.sock")));
        QVERIFY(m_client.socket.waitForConnected(2000));

        m_client.toolCall("echo", {{QStringLiteral("q"), QStringLiteral("mail bob@mail.example.org")}});
        m_client.toolCall("card_lookup", {});
        m_client.toolCall("email_send", {{QStringLiteral("to"), QStringLiteral("jane.doe@corp.example.com")},
                                {QStringLiteral("body"), QStringLiteral("your card 4539 1488 0343 6467")}});
        m_client.call(QStringLiteral("openshell/respond"), {{QStringLiteral("text"), QStringLiteral("write to amy@shop.example.net")}});
        m_client.socket.disconnectFromServer();

        std::vector<replay::WhatIfInput> inputs;
        for (const auto &e : audit.events) {
            if (e.decision.empty() || e.type == "approval")
                continue;
            QVERIFY2(!e.request.empty(), e.type.c_str());
            // (A bare "4539" can be part of a timestamp.)
            for (const char *real : {"bob@mail", "jane.doe", "4539 1488", "amy@shop"}) {
                QVERIFY2(e.request.find(real) == std::string::npos, e.request.c_str());
                QVERIFY2(e.parameters.find(real) == std::string::npos, e.parameters.c_str());
            }
            inputs.push_back({e.seq, e.request, *replay::outcomeFromName(e.decision), e.policy});
        }
        // tool_call + data_output for echo and card_lookup, the email, the response.
        QCOMPARE(inputs.size(), std::size_t(6));

        const auto same = replay::WhatIf::run(inputs, "gw", DecisionEngine(load(kPolicy)));
        QCOMPARE(same.actions.size(), inputs.size());
        QVERIFY(same.changed.empty());
        QCOMPARE(same.actions[3].before, replay::Outcome::Redact); // card_lookup's output

        const auto other = replay::WhatIf::run(inputs, "gw", DecisionEngine(load(kOther)));
        QCOMPARE(other.actions.size(), inputs.size());
        QCOMPARE(other.actions[3].after, replay::Outcome::Redact); // still has an email
        QCOMPARE(other.actions[4].before, replay::Outcome::Escalate);
        QCOMPARE(other.actions[4].after, replay::Outcome::Block); // the card in the email body
        QCOMPARE(other.actions[1].after, replay::Outcome::Redact); // echo returned the email
        QCOMPARE(other.actions[5].after, replay::Outcome::Allow); // responses unchecked now
    }
};

QTEST_GUILESS_MAIN(TstGatewayRecord)
#include "tst_gatewayrecord.moc"
