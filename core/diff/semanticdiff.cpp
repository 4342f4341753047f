// The semantic diff's entry point, its shared helpers, and the small
// sections (document header, sandbox, tools). Network, filesystem and
// policies have their own files.

#include "diff/semanticdiff.h"

#include "diff/diffsections.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace osh::diff {

std::string_view sectionName(Section s)
{
    switch (s) {
    case Section::Document: return "document";
    case Section::Sandbox: return "sandbox";
    case Section::Network: return "network";
    case Section::Filesystem: return "filesystem";
    case Section::Tools: return "tools";
    case Section::Pii: return "pii";
    case Section::Policies: return "policies";
    }
    return "document";
}

std::string_view changeKindName(ChangeKind k)
{
    switch (k) {
    case ChangeKind::Added: return "added";
    case ChangeKind::Removed: return "removed";
    case ChangeKind::Changed: return "changed";
    case ChangeKind::Moved: return "moved";
    case ChangeKind::Consequence: return "consequence";
    }
    return "changed";
}

std::string_view effectName(Effect e)
{
    switch (e) {
    case Effect::NewlyAllowed: return "newly-allowed";
    case Effect::NewlyBlocked: return "newly-blocked";
    case Effect::Looser: return "looser";
    case Effect::Stricter: return "stricter";
    case Effect::Neutral: return "neutral";
    case Effect::Unknown: return "unknown";
    }
    return "unknown";
}

int SemanticDiff::count(Effect e) const
{
    return static_cast<int>(std::count_if(changes.begin(), changes.end(), [e](const Change &c) { return c.effect == e; }));
}

std::string SemanticDiff::summary() const
{
    if (changes.empty())
        return "no changes";
    std::string out;
    auto part = [&out](int n, std::string_view what) {
        if (n == 0)
            return;
        if (!out.empty())
            out += ", ";
        out += std::to_string(n) + " " + std::string(what);
    };
    part(count(Effect::NewlyAllowed), "newly allowed");
    part(count(Effect::NewlyBlocked), "newly blocked");
    part(count(Effect::Looser), "looser");
    part(count(Effect::Stricter), "stricter");
    // Neutral and unknown changes are "changed": they alter the text or the
    // decision in a way that has no single direction.
    part(count(Effect::Neutral) + count(Effect::Unknown), "changed");
    return out;
}

SemanticDiff semanticDiff(const PolicyDocument &before, const PolicyDocument &after)
{
    SemanticDiff d;
    detail::diffDocument(before, after, d.changes);
    detail::diffSandbox(before, after, d.changes);
    detail::diffNetwork(before, after, d.changes);
    detail::diffFilesystem(before, after, d.changes);
    detail::diffTools(before, after, d.changes);
    detail::diffPolicies(before, after, d.changes);
    // Sections in a fixed order (policies emit PII changes while walking).
    std::stable_sort(d.changes.begin(), d.changes.end(),
                     [](const Change &x, const Change &y) { return x.section < y.section; });
    return d;
}

namespace detail {

std::string optText(const std::optional<double> &v)
{
    return v ? numberText(*v) : std::string("none");
}

std::string numberText(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<long long>(v));
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string listText(const std::vector<std::string> &v)
{
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i)
        out += (i ? ", " : "") + v[i];
    return out + "]";
}

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

Effect combine(Effect a, Effect b)
{
    if (a == b || b == Effect::Neutral)
        return a;
    if (a == Effect::Neutral)
        return b;
    return Effect::Unknown;
}

Effect limitEffect(std::optional<double> before, std::optional<double> after)
{
    if (before == after)
        return Effect::Neutral;
    if (!after)
        return Effect::Looser; // a limit was lifted
    if (!before)
        return Effect::Stricter;
    return *after > *before ? Effect::Looser : Effect::Stricter;
}

std::vector<bool> stableInOrder(const std::vector<int> &aIndexOfB)
{
    // Longest increasing subsequence of the old indices, in new order: those
    // items kept their relative order; every other one moved.
    const size_t n = aIndexOfB.size();
    std::vector<int> tailIdx;          // index into aIndexOfB of each tail
    std::vector<int> prev(n, -1);
    for (size_t i = 0; i < n; ++i) {
        const int v = aIndexOfB[i];
        const auto it = std::lower_bound(tailIdx.begin(), tailIdx.end(), v,
                                         [&](int idx, int value) { return aIndexOfB[static_cast<size_t>(idx)] < value; });
        const auto pos = static_cast<size_t>(it - tailIdx.begin());
        if (pos > 0)
            prev[i] = tailIdx[pos - 1];
        if (it == tailIdx.end())
            tailIdx.push_back(static_cast<int>(i));
        else
            *it = static_cast<int>(i);
    }
    std::vector<bool> stable(n, false);
    for (int i = tailIdx.empty() ? -1 : tailIdx.back(); i >= 0; i = prev[static_cast<size_t>(i)])
        stable[static_cast<size_t>(i)] = true;
    return stable;
}

namespace {

Change make(Section s, ChangeKind k, Effect e, std::string subject, std::string key, std::string before,
            std::string after, std::string sentence, SourcePos bp, SourcePos ap)
{
    Change c;
    c.section = s;
    c.kind = k;
    c.effect = e;
    c.subject = std::move(subject);
    c.key = std::move(key);
    c.before = std::move(before);
    c.after = std::move(after);
    c.sentence = std::move(sentence);
    c.beforePos = bp;
    c.afterPos = ap;
    return c;
}

int isolationStrength(Isolation i)
{
    // gVisor and Firecracker both put their own kernel between the agent and
    // the host; a container shares the host kernel.
    return i == Isolation::Container ? 0 : 1;
}

std::string envText(const std::vector<std::pair<std::string, std::string>> &env)
{
    std::string out;
    for (const auto &[k, v] : env)
        out += (out.empty() ? "" : ", ") + k + "=" + v;
    return "{" + out + "}";
}

std::string commandText(const std::vector<std::string> &cmd)
{
    std::string out;
    for (const auto &c : cmd)
        out += (out.empty() ? "" : " ") + c;
    return out;
}

} // namespace

Change settingChange(Section section, std::string_view sectionKey, std::string_view key, Effect e, std::string before,
                     std::string after, const std::string &meaning, const Locations &a, const Locations &b,
                     SourcePos sectionPos)
{
    std::string sentence = std::string(sectionKey) + '.' + std::string(key) + " changed from " + before + " to " + after
        + (meaning.empty() ? std::string(".") : "; " + meaning + ".");
    return make(section, ChangeKind::Changed, e, std::string(key), std::string(key), std::move(before), std::move(after),
                std::move(sentence), a.valuePos(key), b.has(key) ? b.valuePos(key) : sectionPos);
}

void diffDocument(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out)
{
    auto field = [&](std::string_view key, const std::string &x, const std::string &y) {
        if (x == y)
            return;
        out.push_back(make(Section::Document, ChangeKind::Changed, Effect::Neutral, std::string(key), std::string(key), x, y,
                           "The document's " + std::string(key) + " changed from " + quoted(x) + " to " + quoted(y)
                               + "; decisions are not affected.",
                           a.loc.valuePos(key), b.loc.valuePos(key)));
    };
    field("version", std::to_string(a.version), std::to_string(b.version));
    field("name", a.name, b.name);
    field("description", a.description, b.description);
    const std::string ac = a.agent ? commandText(a.agent->command) : std::string();
    const std::string bc = b.agent ? commandText(b.agent->command) : std::string();
    if (ac != bc)
        out.push_back(make(Section::Document, ac.empty() ? ChangeKind::Added : bc.empty() ? ChangeKind::Removed : ChangeKind::Changed,
                           Effect::Unknown, "agent", "command", ac, bc,
                           "The agent's command changed from " + quoted(ac) + " to " + quoted(bc)
                               + "; a different program now runs as the agent.",
                           a.agent ? a.agent->loc.pos : SourcePos{}, b.agent ? b.agent->loc.pos : b.loc.pos));
    if (a.agentName() != b.agentName())
        out.push_back(make(Section::Document, ChangeKind::Changed, Effect::Unknown, "agent", "name", a.agentName(), b.agentName(),
                           "The agent's name changed from " + quoted(a.agentName()) + " to " + quoted(b.agentName())
                               + "; sessions now keep another agent's state.",
                           a.agent ? a.agent->loc.pos : a.loc.pos, b.agent ? b.agent->loc.pos : b.loc.pos));
}

void diffSandbox(const PolicyDocument &da, const PolicyDocument &db, std::vector<Change> &out)
{
    const SandboxConfig &a = da.sandbox;
    const SandboxConfig &b = db.sandbox;
    auto push = [&](std::string_view key, Effect e, std::string x, std::string y, std::string meaning) {
        out.push_back(settingChange(Section::Sandbox, "sandbox", key, e, std::move(x), std::move(y), meaning, a.loc, b.loc,
                                    db.loc.valuePos("sandbox")));
    };
    auto limit = [&](std::string_view key, double x, double y, std::string_view what) {
        if (x == y)
            return;
        const Effect e = y > x ? Effect::Looser : Effect::Stricter;
        push(key, e, numberText(x), numberText(y),
             std::string(what) + (e == Effect::Looser ? " is now allowed more" : " is now allowed less"));
    };
    if (a.isolation != b.isolation) {
        const int sa = isolationStrength(a.isolation);
        const int sb = isolationStrength(b.isolation);
        const Effect e = sb < sa ? Effect::Looser : sb > sa ? Effect::Stricter : Effect::Unknown;
        push("isolation", e, std::string(isolationName(a.isolation)), std::string(isolationName(b.isolation)),
             e == Effect::Looser     ? "weaker isolation: the agent now shares the host kernel"
                 : e == Effect::Stricter ? "stronger isolation: the agent no longer shares the host kernel"
                                         : "a different isolation technology of comparable strength");
    }
    limit("max_memory_mb", static_cast<double>(a.maxMemoryMb), static_cast<double>(b.maxMemoryMb), "memory");
    limit("max_cpu_cores", a.maxCpuCores, b.maxCpuCores, "CPU");
    limit("max_execution_time_seconds", static_cast<double>(a.maxExecutionTimeSeconds),
          static_cast<double>(b.maxExecutionTimeSeconds), "session time");
    limit("max_processes", static_cast<double>(a.maxProcesses), static_cast<double>(b.maxProcesses), "process count");
    limit("max_open_files", static_cast<double>(a.maxOpenFiles), static_cast<double>(b.maxOpenFiles), "open file count");
    auto flag = [&](std::string_view key, bool x, bool y, std::string_view nowAllowed, std::string_view nowBlocked) {
        if (x == y)
            return;
        push(key, y ? Effect::NewlyAllowed : Effect::NewlyBlocked, x ? "true" : "false", y ? "true" : "false",
             std::string(y ? nowAllowed : nowBlocked));
    };
    flag("allow_network", a.allowNetwork, b.allowNetwork, "network egress is now possible (subject to the network rules)",
         "every network egress is now refused");
    flag("allow_filesystem", a.allowFilesystem, b.allowFilesystem,
         "file access outside the workspace is now possible (subject to the filesystem rules)",
         "every file access outside the workspace is now refused");
    if (a.environment != b.environment)
        push("environment", Effect::Unknown, envText(a.environment), envText(b.environment),
             "the agent sees different environment variables");
    if (a.cleanupPolicy != b.cleanupPolicy) {
        const bool keptBefore = a.cleanupPolicy != CleanupPolicy::Destroy;
        const bool keptAfter = b.cleanupPolicy != CleanupPolicy::Destroy;
        const Effect e = keptBefore == keptAfter ? Effect::Neutral : keptAfter ? Effect::Looser : Effect::Stricter;
        push("cleanup_policy", e, std::string(cleanupPolicyName(a.cleanupPolicy)),
             std::string(cleanupPolicyName(b.cleanupPolicy)),
             e == Effect::Looser       ? "the sandbox's data is now kept after the session"
                 : e == Effect::Stricter ? "the sandbox's data is now destroyed after the session"
                                         : "the sandbox's data is kept in a different form");
    }
}

void diffTools(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out)
{
    // Declaring any tool makes the sandbox refuse calls of undeclared ones.
    const bool gateBefore = !a.tools.empty();
    const bool gateAfter = !b.tools.empty();
    const SourcePos toolsPos = b.loc.has("tools") ? b.loc.valuePos("tools") : b.loc.pos;
    if (gateBefore != gateAfter)
        out.push_back(make(Section::Tools, ChangeKind::Changed, gateAfter ? Effect::NewlyBlocked : Effect::NewlyAllowed,
                           "tools", "tools", gateBefore ? "declared" : "none", gateAfter ? "declared" : "none",
                           gateAfter ? "The document now declares tools, so the sandbox refuses calls of every undeclared tool."
                                     : "The document no longer declares any tool, so the sandbox no longer refuses calls of undeclared tools.",
                           a.loc.valuePos("tools"), toolsPos));
    for (const ToolSpec &t : a.tools) {
        if (b.findTool(t.name))
            continue;
        const bool blocked = gateAfter;
        out.push_back(make(Section::Tools, ChangeKind::Removed, blocked ? Effect::NewlyBlocked : Effect::Neutral,
                           "tool " + quoted(t.name), {}, commandText(t.command), {},
                           "Tool " + quoted(t.name) + " was removed"
                               + (blocked ? std::string("; the sandbox now refuses calls of it.") : std::string(".")),
                           t.loc.pos, toolsPos));
    }
    for (const ToolSpec &t : b.tools) {
        const ToolSpec *old = a.findTool(t.name);
        if (!old) {
            const bool allowed = gateBefore;
            out.push_back(make(Section::Tools, ChangeKind::Added, allowed ? Effect::NewlyAllowed : Effect::Neutral,
                               "tool " + quoted(t.name), {}, {}, commandText(t.command),
                               "Tool " + quoted(t.name) + " was added (" + commandText(t.command) + ")"
                                   + (allowed ? std::string("; the sandbox now lets the agent call it.") : std::string(".")),
                               {}, t.loc.pos));
            continue;
        }
        const std::string subject = "tool " + quoted(t.name);
        auto push = [&](std::string_view key, Effect e, std::string x, std::string y, std::string_view meaning) {
            out.push_back(make(Section::Tools, ChangeKind::Changed, e, subject, std::string(key), x, y,
                               "Tool " + quoted(t.name) + ": " + std::string(key) + " changed from " + x + " to " + y
                                   + (meaning.empty() ? std::string(".") : "; " + std::string(meaning) + "."),
                               old->loc.valuePos(key), t.loc.has(key) ? t.loc.valuePos(key) : t.loc.pos));
        };
        if (old->command != t.command)
            push("command", Effect::Unknown, commandText(old->command), commandText(t.command),
                 "a different program now runs for this tool");
        if (old->timeoutSeconds != t.timeoutSeconds)
            push("timeout_seconds", limitEffect(old->timeoutSeconds, t.timeoutSeconds), numberText(old->timeoutSeconds),
                 numberText(t.timeoutSeconds),
                 t.timeoutSeconds > old->timeoutSeconds ? "calls may now run longer" : "calls are now cut off sooner");
        if (old->costPerCall != t.costPerCall)
            push("cost_per_call", Effect::Unknown, numberText(old->costPerCall), numberText(t.costPerCall),
                 "session.total_cost grows differently; conditions on it decide the effect");
        if (old->mcp != t.mcp)
            push("mcp", Effect::Unknown, commandText(old->mcp), commandText(t.mcp),
                 "a different MCP server now offers this entry's tools");
        if (old->pool != t.pool)
            push("pool", Effect::Neutral, std::to_string(old->pool), std::to_string(t.pool),
                 "ready sandboxes kept for this tool; every call still runs in a sandbox of its own");
        if (old->prestart != t.prestart)
            push("prestart", Effect::Neutral, old->prestart ? "true" : "false", t.prestart ? "true" : "false",
                 t.prestart ? "its pool is filled when the session starts" : "its pool is filled at its first call");
        if (old->guard != t.guard)
            push("guard", Effect::Unknown, old->guard ? "true" : "false", t.guard ? "true" : "false",
                 t.guard ? "the runtime no longer runs it: the SDK's caller runs it in its own process, without a sandbox"
                         : "the runtime runs it in a sandbox of its own again");
        if (old->description != t.description)
            push("description", Effect::Neutral, quoted(old->description), quoted(t.description), {});
    }
}

} // namespace detail
} // namespace osh::diff
