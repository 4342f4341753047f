// Gateway::exec: a command a client runs in the session through the API,
// decided and audited as the agent's own tool calls are.

#include "gateway.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace osh::runtime {

namespace {
ExecResult fromDecision(const Decision &d)
{
    ExecResult r;
    r.outcome = QString::fromLatin1(actionName(d.outcome).data());
    r.layer = d.layer == Layer::None ? QString() : QString::fromLatin1(layerName(d.layer).data());
    r.policy = QString::fromStdString(d.policy);
    r.message = QString::fromStdString(d.message);
    return r;
}

// The argv of redacted exec arguments ({"argv": [...], ...}); empty when
// they no longer hold a list of strings.
QStringList redactedArgv(const std::string &json)
{
    const QJsonArray a = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object().value(QStringLiteral("argv")).toArray();
    QStringList out;
    for (const QJsonValue &v : a) {
        if (!v.isString())
            return {};
        out.push_back(v.toString());
    }
    return out;
}
} // namespace

void Gateway::exec(const QStringList &argv, const QByteArray &stdinData, double timeoutSeconds,
                   std::function<void(ExecResult)> done)
{
    static const std::string kTool = "exec";
    const QJsonObject args{{QStringLiteral("argv"), QJsonArray::fromStringList(argv)},
                           {QStringLiteral("stdin_bytes"), stdinData.size()}};
    Request req;
    req.trigger = Trigger::ToolCall;
    req.set(Var::ToolName, Value(kTool));
    req.set(Var::ToolArgs, valueFromJson(args));
    const std::string argsJson = QJsonDocument(args).toJson(QJsonDocument::Compact).toStdString();
    std::int64_t seq = 0;
    const Decision d = decide(req, kTool, argsJson, &seq);

    // A redaction applies to the command line (so does one that failed
    // closed before a hold): what runs, and what an approver is shown, is
    // the redacted argv, never the agent's.
    QStringList released = argv;
    std::string releasedJson = argsJson;
    if (d.output) {
        released = redactedArgv(*d.output);
        releasedJson = *d.output;
        if (released.isEmpty()) {
            ExecResult r = fromDecision(d);
            r.refused = true;
            r.message = QStringLiteral("policy '%1' redacts the command, and what is left is not a command line, so it does not run")
                            .arg(QString::fromStdString(d.policy));
            done(std::move(r));
            return;
        }
    }

    ToolSpec tool;
    tool.name = kTool;
    for (const QString &a : released)
        tool.command.push_back(a.toStdString());
    tool.timeoutSeconds = timeoutSeconds;
    tool.pool = 0; // a fresh sandbox, never a declared tool's ready one

    switch (d.outcome) {
    case Action::Block: {
        ExecResult r = fromDecision(d);
        r.refused = true;
        done(std::move(r));
        return;
    }
    case Action::Escalate:
        ++m_activeCalls;
        escalate(req, d, seq, kTool, releasedJson, [this, tool, stdinData, d, done](bool ok, std::string note) {
            --m_activeCalls;
            if (!ok) {
                ExecResult r = fromDecision(d);
                r.refused = true;
                r.message = QStringLiteral("the held command was not approved%1")
                                .arg(note.empty() ? QString() : QStringLiteral(" (%1)").arg(QString::fromStdString(note)));
                done(std::move(r));
                return;
            }
            runExec(tool, stdinData, d, done);
        });
        return;
    case Action::Throttle:
        if (d.delaySeconds && *d.delaySeconds > 0) {
            ++m_activeCalls;
            QTimer::singleShot(static_cast<int>(*d.delaySeconds * 1000), this, [this, tool, stdinData, d, done] {
                --m_activeCalls;
                runExec(tool, stdinData, d, done);
            });
            return;
        }
        break;
    default:
        break;
    }
    runExec(tool, stdinData, d, done);
}

void Gateway::runExec(const ToolSpec &tool, const QByteArray &stdinData, const Decision &d, std::function<void(ExecResult)> done)
{
    ++m_activeCalls;
    m_runner->run(tool, stdinData, [this, tool, d, done](ToolResult result) {
        --m_activeCalls;
        ExecResult r = fromDecision(d);
        r.started = result.started;
        r.exitCode = result.exitCode;
        r.timedOut = result.timedOut;
        r.error = result.error;
        r.truncated = result.stdoutData.size() > ExecResult::kMaxExecOutput || result.stderrData.size() > ExecResult::kMaxExecOutput;
        r.stderrData = result.stderrData.left(ExecResult::kMaxExecOutput);
        QByteArray out = result.stdoutData.left(ExecResult::kMaxExecOutput);
        if (!result.started) {
            audit(nullptr, "tool_result", tool.name, "{}", "exec could not start: " + result.error.toStdString());
            done(std::move(r));
            return;
        }
        // What leaves passes the data_output policies, as a tool's result does.
        Request outReq;
        outReq.trigger = Trigger::DataOutput;
        outReq.set(Var::ToolName, Value(tool.name));
        outReq.set(Var::Output, Value(out.toStdString()));
        const Decision od = decide(outReq, tool.name, "{}");
        // The client sees standard error too: it passes the same policies.
        QByteArray err = r.stderrData;
        std::optional<Decision> ed;
        if (!err.isEmpty()) {
            Request errReq;
            errReq.trigger = Trigger::DataOutput;
            errReq.set(Var::ToolName, Value(tool.name));
            errReq.set(Var::Output, Value(err.toStdString()));
            ed = decide(errReq, tool.name, "{}");
        }
        for (const Decision *w : std::initializer_list<const Decision *>{&od, ed ? &*ed : nullptr}) {
            if (w && (w->outcome == Action::Block || w->outcome == Action::Escalate)) {
                ExecResult withheld = fromDecision(*w);
                withheld.refused = true;
                withheld.started = true;
                withheld.message = QStringLiteral("output withheld: %1").arg(QString::fromStdString(w->message));
                done(std::move(withheld));
                return;
            }
        }
        if (od.outcome == Action::Redact && od.output)
            out = QByteArray::fromStdString(*od.output);
        if (ed && ed->outcome == Action::Redact && ed->output)
            err = QByteArray::fromStdString(*ed->output);
        r.stdoutData = out;
        r.stderrData = err;
        done(std::move(r));
    });
}

} // namespace osh::runtime
