#include "policy.h"

#include <charconv>

namespace osh {

SourcePos Locations::keyPos(std::string_view key) const
{
    const auto it = keys.find(key);
    return it == keys.end() ? pos : it->second.first;
}

SourcePos Locations::valuePos(std::string_view key) const
{
    const auto it = keys.find(key);
    return it == keys.end() ? pos : it->second.second;
}

std::string_view isolationName(Isolation v)
{
    switch (v) {
    case Isolation::Gvisor: return "gvisor";
    case Isolation::Firecracker: return "firecracker";
    case Isolation::Container: return "container";
    }
    return {};
}

std::string_view cleanupPolicyName(CleanupPolicy v)
{
    switch (v) {
    case CleanupPolicy::Destroy: return "destroy";
    case CleanupPolicy::Snapshot: return "snapshot";
    case CleanupPolicy::Preserve: return "preserve";
    }
    return {};
}

std::string_view defaultPolicyName(DefaultPolicy v)
{
    return v == DefaultPolicy::DenyAll ? "deny-all" : "allow-all";
}

std::string_view accessName(Access v)
{
    switch (v) {
    case Access::ReadOnly: return "read-only";
    case Access::ReadWrite: return "read-write";
    case Access::Full: return "full";
    }
    return {};
}

const std::vector<std::string> &accessMethods(Access v)
{
    static const std::vector<std::string> readOnly{"GET", "HEAD", "OPTIONS"};
    static const std::vector<std::string> readWrite{"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"};
    static const std::vector<std::string> any;
    switch (v) {
    case Access::ReadOnly: return readOnly;
    case Access::ReadWrite: return readWrite;
    case Access::Full: return any;
    }
    return any;
}

std::string_view protocolName(Protocol v)
{
    switch (v) {
    case Protocol::Https: return "https";
    case Protocol::Http: return "http";
    case Protocol::Tcp: return "tcp";
    case Protocol::Smtp: return "smtp";
    }
    return {};
}

std::string_view permissionName(Permission v)
{
    switch (v) {
    case Permission::Read: return "read";
    case Permission::Write: return "write";
    case Permission::ReadWrite: return "read-write";
    }
    return {};
}

std::string_view actionName(Action v)
{
    switch (v) {
    case Action::Allow: return "allow";
    case Action::Log: return "log";
    case Action::Block: return "block";
    case Action::Redact: return "redact";
    case Action::Throttle: return "throttle";
    case Action::Escalate: return "escalate";
    }
    return {};
}

std::string_view logLevelName(LogLevel v)
{
    switch (v) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Critical: return "critical";
    }
    return {};
}

std::optional<RateLimit> RateLimit::parse(std::string_view text)
{
    const auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0)
        return std::nullopt;
    RateLimit r;
    const auto num = text.substr(0, slash);
    const auto res = std::from_chars(num.data(), num.data() + num.size(), r.count);
    if (res.ec != std::errc() || res.ptr != num.data() + num.size() || r.count <= 0)
        return std::nullopt;
    const auto unit = text.substr(slash + 1);
    if (unit == "second")
        r.windowSeconds = 1;
    else if (unit == "minute")
        r.windowSeconds = 60;
    else if (unit == "hour")
        r.windowSeconds = 3600;
    else if (unit == "day")
        r.windowSeconds = 86400;
    else
        return std::nullopt;
    r.text = std::string(text);
    return r;
}

bool PolicyDocument::isAgentName(std::string_view s)
{
    if (s.empty() || s.size() > 64)
        return false;
    auto lowerOrDigit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lowerOrDigit(s.front()))
        return false;
    for (char c : s)
        if (!lowerOrDigit(c) && c != '_' && c != '-')
            return false;
    return true;
}

const ToolSpec *PolicyDocument::findTool(std::string_view toolName) const
{
    for (const auto &t : tools)
        if (t.name == toolName)
            return &t;
    return nullptr;
}

const ToolSpec *PolicyDocument::mcpServerOf(std::string_view toolName) const
{
    const auto dot = toolName.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == toolName.size())
        return nullptr;
    const ToolSpec *entry = findTool(toolName.substr(0, dot));
    return entry && entry->isMcpServer() ? entry : nullptr;
}

const ToolSpec *PolicyDocument::entryOf(std::string_view toolName) const
{
    if (const ToolSpec *t = findTool(toolName))
        return t;
    return mcpServerOf(toolName);
}

const Policy *PolicyDocument::findPolicy(std::string_view policyName) const
{
    for (const auto &p : policies)
        if (p.name == policyName)
            return &p;
    return nullptr;
}

} // namespace osh
