// Tool call latency end to end, measured where an agent sees it: by a client
// inside the session's sandbox, around its tools/call round trip to the
// gateway: a minimal Python client on the gateway's socket, and the official
// MCP TypeScript SDK's client through /opt/openshell/bin/openshell-mcp
// (tests/mcp/node_modules; skipped with a note when missing). A trivial Python tool (reads its JSON arguments, prints them
// back) with a ready sandbox (pool: 1, prestart) and without one (pool: 0,
// a cold call), in gVisor and in container mode; beside it, in the same run,
// `runsc exec` / `crun exec` of the same command into an already running
// sandbox, timed on the host. Warm calls are spaced so that the pool has
// refilled, as an agent's calls are spaced by its model's thinking time.
// Needs root; without it, says so and exits.
//
//   bench_toolcalls [--warm N] [--cold N] [--exec N] [--gap-ms MS] [--mode gvisor|container]

#include "model/policyvalidator.h"
#include "sandbox/sandbox.h"
#include "session/agentsession.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include <unistd.h>

using namespace osh;
using namespace osh::runtime;

namespace {

const char *kTool = "import json, sys\nargs = json.load(sys.stdin)\nprint(json.dumps({\"echo\": args}))\n";

// The agent: calls each tool of its plan n times, gap seconds apart, and
// prints one JSON line per call with the latency its client measured.
const char *kClient = R"py(import json, os, socket, sys, time
plan = json.loads(sys.argv[1])
sock = socket.socket(socket.AF_UNIX)
sock.connect(os.environ["OPENSHELL_GATEWAY"])
stream = sock.makefile("rwb")
n = 0
def call(method, params):
    global n
    n += 1
    stream.write(json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params}).encode() + b"\n")
    stream.flush()
    while True:  # notifications (tools/list_changed) are not answers
        msg = json.loads(stream.readline())
        if msg.get("id") == n:
            return msg
call("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}})
time.sleep(plan["settle"])
for tool, count, gap, args in plan["calls"]:
    for i in range(count):
        t = time.perf_counter()
        r = call("tools/call", {"name": tool, "arguments": args})
        ms = (time.perf_counter() - t) * 1000
        res = r.get("result")
        failed = res is None or bool(res.get("isError"))
        meta = (res or {}).get("_meta", {}).get("openshell", {})
        print(json.dumps({"tool": tool, "ms": ms, "error": failed, "timings": meta.get("timings_ms"),
                          "why": None if not failed else json.dumps(r)[:300]}), flush=True)
        time.sleep(gap)
)py";

struct Figures
{
    std::vector<double> ms;
    int errors = 0;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(std::min<double>(v.size() - 1, std::ceil(p * v.size()) - 1));
    return v[i];
}

void report(const char *what, const Figures &f)
{
    std::printf("%-58s n=%3zu  p50 %8.2f ms  p99 %8.2f ms  min %8.2f ms%s\n", what, f.ms.size(), percentile(f.ms, 0.5),
                percentile(f.ms, 0.99), f.ms.empty() ? 0.0 : *std::min_element(f.ms.begin(), f.ms.end()),
                f.errors ? qPrintable(QStringLiteral("  (%1 failed)").arg(f.errors)) : "");
    std::fflush(stdout);
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

const QString kSdkDir = QStringLiteral(OSH_SOURCE_DIR "/tests/mcp");

bool sdkInstalled() { return QFileInfo(kSdkDir + QStringLiteral("/node_modules/@modelcontextprotocol/sdk")).isDir(); }

// Runs one session whose agent is command; its standard output.
QByteArray runSession(const QString &dir, Isolation isolation, const QStringList &command)
{
    const QString policy = QStringLiteral(
        "version: 1\nname: bench-toolcalls\n"
        "sandbox: {isolation: %1, max_memory_mb: 1024, max_execution_time_seconds: 900, max_open_files: 1024, max_processes: 100}\n"
        "filesystem:\n  workspace: /agent/workspace\n  rules:\n"
        "    - {path: /agent/workspace, permissions: read-write}\n"
        "    - {path: /opt/mcp-client, permissions: read, source: %2}\n"
        "tools:\n"
        "  - {name: echo_warm, command: [python3, echo.py], pool: 1, prestart: true}\n"
        "  - {name: echo_cold, command: [python3, echo.py], pool: 0}\n"
        "%3")
                               .arg(isolation == Isolation::Gvisor ? QStringLiteral("gvisor") : QStringLiteral("container"), kSdkDir,
                                    sdkInstalled() ? QStringLiteral("  - {name: everything, mcp: [node, /opt/mcp-client/node_modules/"
                                                                    "@modelcontextprotocol/server-everything/dist/index.js, stdio]}\n")
                                                   : QString());
    writeFile(dir + QStringLiteral("/echo.py"), kTool);
    writeFile(dir + QStringLiteral("/client.py"), kClient);
    writeFile(dir + QStringLiteral("/bench.policy.yaml"), policy.toUtf8());
    ValidationOptions vo;
    vo.baseDir = dir.toStdString();
    const auto loaded = PolicyValidator::checkText(policy.toStdString(), "bench.policy.yaml", vo);
    if (!loaded.document || hasErrors(loaded.diagnostics)) {
        std::fprintf(stderr, "bench_toolcalls: the bench policy does not validate\n");
        return {};
    }
    AgentSession::Options o;
    o.policyFile = dir + QStringLiteral("/bench.policy.yaml");
    o.document = loaded.document;
    o.command = command;
    o.dataDir = dir + QStringLiteral("/data");
    o.approvals = AgentSession::Approvals::AutoDeny;
    AgentSession session(o);
    QEventLoop loop;
    QByteArray lines;
    QObject::connect(&session, &AgentSession::agentOutput, &loop, [&](bool err, const QByteArray &data) {
        if (!err)
            lines += data;
        else
            std::fwrite(data.constData(), 1, static_cast<size_t>(data.size()), stderr);
    });
    QObject::connect(&session, &AgentSession::finished, &loop, [&] { loop.quit(); });
    QString error;
    if (!session.start(&error)) {
        std::fprintf(stderr, "bench_toolcalls: the session cannot start: %s\n", qPrintable(error));
        return {};
    }
    loop.exec();
    return lines;
}

// The minimal Python client's figures per tool.
std::map<QString, Figures> sessionCalls(const QString &dir, Isolation isolation, int warm, int cold, double gap)
{
    std::map<QString, Figures> out;
    const QJsonObject args{{QStringLiteral("q"), QStringLiteral("refund policy")}};
    QJsonArray calls{QJsonArray{QStringLiteral("echo_warm"), warm, gap, args}, QJsonArray{QStringLiteral("echo_cold"), cold, 0.2, args}};
    if (sdkInstalled())
        calls.append(QJsonArray{QStringLiteral("everything.echo"), warm, 0.1,
                                QJsonObject{{QStringLiteral("message"), QStringLiteral("refund policy")}}});
    const QJsonObject plan{{QStringLiteral("settle"), 3.0}, {QStringLiteral("calls"), calls}};
    const QByteArray lines = runSession(dir, isolation, {QStringLiteral("python3"), QStringLiteral("client.py"),
                                                         QString::fromUtf8(QJsonDocument(plan).toJson(QJsonDocument::Compact))});
    for (const QByteArray &line : lines.split('\n')) {
        const QJsonObject o2 = QJsonDocument::fromJson(line).object();
        if (o2.isEmpty())
            continue;
        Figures &f = out[o2[QStringLiteral("tool")].toString()];
        if (o2[QStringLiteral("error")].toBool()) {
            if (f.errors++ == 0)
                std::fprintf(stderr, "bench_toolcalls: a call failed: %s\n", qPrintable(o2[QStringLiteral("why")].toString()));
        }
        else
            f.ms.push_back(o2[QStringLiteral("ms")].toDouble());
    }
    return out;
}

// The official SDK's client, through openshell-mcp: the pooled tool, then
// server-everything's echo; figures per tool.
std::map<QString, Figures> sdkCalls(const QString &dir, Isolation isolation, int warm, double gap)
{
    std::map<QString, Figures> out;
    const QJsonObject plan{
        {QStringLiteral("repeat"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("echo_warm")},
                                {QStringLiteral("args"), QJsonObject{{QStringLiteral("q"), QStringLiteral("refund policy")}}},
                                {QStringLiteral("count"), warm},
                                {QStringLiteral("gapMs"), static_cast<int>(gap * 1000)},
                                {QStringLiteral("settleMs"), 3000}},
                    QJsonObject{{QStringLiteral("name"), QStringLiteral("everything.echo")},
                                {QStringLiteral("args"), QJsonObject{{QStringLiteral("message"), QStringLiteral("refund policy")}}},
                                {QStringLiteral("count"), warm},
                                {QStringLiteral("gapMs"), 100}}}}};
    const QByteArray lines = runSession(dir, isolation, {QStringLiteral("node"), QStringLiteral("/opt/mcp-client/sdk-client.mjs"),
                                                         QString::fromUtf8(QJsonDocument(plan).toJson(QJsonDocument::Compact))});
    const QJsonObject seen = QJsonDocument::fromJson(lines.trimmed().split('\n').last()).object();
    for (const QJsonValue &c : seen[QStringLiteral("calls")].toArray()) {
        Figures &f = out[c[QStringLiteral("name")].toString()];
        if (c[QStringLiteral("isError")].toBool())
            ++f.errors;
        else
            f.ms.push_back(c[QStringLiteral("ms")].toDouble());
    }
    return out;
}

// `runsc exec` / `crun exec` of the tool into an already running sandbox.
Figures execIntoRunning(const QString &dir, Isolation isolation, int n)
{
    Figures f;
    SandboxSpec s;
    s.id = QStringLiteral("bench-exec-%1-%2").arg(::getpid()).arg(int(isolation));
    s.isolation = isolation;
    s.argv = {QStringLiteral("/bin/sleep"), QStringLiteral("600")};
    s.limits.memoryMb = 1024;
    s.limits.wallTimeSeconds = 900;
    s.limits.maxOpenFiles = 256;
    s.workspaceHostDir = dir + QStringLiteral("/exec-ws");
    QDir().mkpath(s.workspaceHostDir);
    s.mounts << SandboxMount{dir, QStringLiteral("/opt/openshell/policy"), true};
    Sandbox sb(s);
    if (!sb.start()) {
        std::fprintf(stderr, "bench_toolcalls: the exec baseline's sandbox cannot start: %s\n", qPrintable(sb.errorString()));
        return f;
    }
    QEventLoop settle;
    QTimer::singleShot(3000, &settle, &QEventLoop::quit);
    settle.exec();
    const QString state = sb.bundleDir() + QStringLiteral("/state");
    const QStringList tool{QStringLiteral("python3"), QStringLiteral("/opt/openshell/policy/echo.py")};
    for (int i = 0; i < n; ++i) {
        QStringList cmd;
        if (isolation == Isolation::Gvisor)
            cmd = QStringList{QStandardPaths::findExecutable(QStringLiteral("runsc")), QStringLiteral("--root"), state,
                              QStringLiteral("--platform=ptrace"), QStringLiteral("exec"), QStringLiteral("--user"),
                              QStringLiteral("64100:64100"), s.id}
                + tool;
        else
            cmd = Sandbox::crunCommand({QStringLiteral("--root"), state, QStringLiteral("exec"), QStringLiteral("--user"),
                                        QStringLiteral("64100:64100"), s.id})
                + tool;
        QProcess p;
        QElapsedTimer t;
        t.start();
        p.start(cmd.front(), cmd.mid(1));
        p.write(QByteArrayLiteral("{\"i\": 1, \"q\": \"refund policy\"}"));
        p.closeWriteChannel();
        p.waitForFinished(60000);
        const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0 || !p.readAllStandardOutput().contains("echo"))
            ++f.errors;
        else
            f.ms.push_back(ms);
    }
    sb.stop();
    QEventLoop end;
    QObject::connect(&sb, &Sandbox::finished, &end, &QEventLoop::quit);
    QTimer::singleShot(10000, &end, &QEventLoop::quit);
    end.exec();
    return f;
}

int intArg(const QStringList &args, const QString &name, int def)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : def;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (::geteuid() != 0) {
        std::fprintf(stderr, "bench_toolcalls: needs root (sessions run real sandboxes); skipped\n");
        return 0;
    }
    const QStringList args = app.arguments();
    const int warm = intArg(args, QStringLiteral("--warm"), 40);
    const int cold = intArg(args, QStringLiteral("--cold"), 8);
    const int execs = intArg(args, QStringLiteral("--exec"), 20);
    const double gap = intArg(args, QStringLiteral("--gap-ms"), 1500) / 1000.0;
    const int m = args.indexOf(QStringLiteral("--mode"));
    QList<Isolation> modes{Isolation::Gvisor, Isolation::Container};
    if (m >= 0 && m + 1 < args.size())
        modes = {args[m + 1] == QLatin1StringView("container") ? Isolation::Container : Isolation::Gvisor};
    for (Isolation mode : modes) {
        const char *name = mode == Isolation::Gvisor ? "gvisor" : "container";
        if (const QString why = Sandbox::availability(mode); !why.isEmpty()) {
            std::printf("%s: skipped: %s\n", name, qPrintable(why));
            continue;
        }
        QTemporaryDir dir;
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                              | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup);
        auto calls = sessionCalls(dir.path(), mode, warm, cold, gap);
        const bool sdk = sdkInstalled();
        auto viaSdk = sdk ? sdkCalls(dir.path(), mode, warm, gap) : std::map<QString, Figures>();
        const Figures baseline = execIntoRunning(dir.path(), mode, execs);
        std::printf("== %s\n", name);
        if (sdk) {
            report("python tool, ready sandbox, official MCP SDK client via openshell-mcp", viaSdk[QStringLiteral("echo_warm")]);
            report("server-everything echo (MCP server tool), official SDK client", viaSdk[QStringLiteral("everything.echo")]);
            report("server-everything echo (MCP server tool), from the agent's client", calls[QStringLiteral("everything.echo")]);
        } else {
            std::printf("official MCP SDK client and MCP server tools: skipped (tests/mcp/node_modules is missing: scripts/setup.sh)\n");
        }
        report(qPrintable(QStringLiteral("python tool, ready sandbox (pool), from the agent's client")), calls[QStringLiteral("echo_warm")]);
        report(qPrintable(QStringLiteral("python tool, cold call (pool: 0), from the agent's client")), calls[QStringLiteral("echo_cold")]);
        report(qPrintable(QStringLiteral("%1 exec of the same command into a running sandbox")
                              .arg(mode == Isolation::Gvisor ? QStringLiteral("runsc") : QStringLiteral("crun"))),
               baseline);
    }
    return 0;
}
