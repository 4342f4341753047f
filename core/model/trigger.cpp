#include "trigger.h"

namespace osh {

namespace {
constexpr std::array<std::string_view, kTriggerCount> kTriggerNames = {
    "tool_call", "data_output", "agent_response", "network_egress", "file_access"};

constexpr std::array<VarInfo, kVarCount> kVars = {{
    {Var::ToolName, "tool.name", VarType::String, false},
    {Var::ToolArgs, "tool.args", VarType::Map, false},
    {Var::ToolCallsInLastMinute, "tool.calls_in_last_minute", VarType::Int, false},
    {Var::ToolServer, "tool.server", VarType::String, true},
    {Var::SessionId, "session.id", VarType::String, false},
    {Var::SessionTotalCost, "session.total_cost", VarType::Float, false},
    {Var::SessionToolCalls, "session.tool_calls", VarType::Int, false},
    {Var::SessionElapsedSeconds, "session.elapsed_seconds", VarType::Float, false},
    {Var::Output, "output", VarType::String, false},
    {Var::Response, "response", VarType::String, false},
    {Var::DestinationHost, "destination.host", VarType::String, false},
    {Var::DestinationIp, "destination.ip", VarType::String, true},
    {Var::DestinationPort, "destination.port", VarType::Int, false},
    {Var::DestinationProtocol, "destination.protocol", VarType::String, false},
    {Var::DestinationRegion, "destination_region", VarType::String, true},
    {Var::RequestBytes, "request.bytes", VarType::Int, false},
    {Var::RequestMethod, "request.method", VarType::String, true},
    {Var::RequestPath, "request.path", VarType::String, true},
    {Var::RequestQuery, "request.query", VarType::Map, true},
    {Var::RequestUrl, "request.url", VarType::String, true},
    {Var::RequestHeaders, "request.headers", VarType::Map, true},
    {Var::RequestBody, "request.body", VarType::String, true},
    {Var::RequestContentType, "request.content_type", VarType::String, true},
    {Var::FilePath, "file.path", VarType::String, false},
    {Var::FileOperation, "file.operation", VarType::String, false},
    {Var::FileSize, "file.size", VarType::Int, false},
    {Var::FileExtension, "file.extension", VarType::String, false},
}};

constexpr bool isSessionVar(Var v)
{
    return v == Var::SessionId || v == Var::SessionTotalCost || v == Var::SessionToolCalls
        || v == Var::SessionElapsedSeconds;
}
} // namespace

std::string_view triggerName(Trigger t) { return kTriggerNames[static_cast<size_t>(t)]; }

std::optional<Trigger> triggerFromName(std::string_view name)
{
    for (size_t i = 0; i < kTriggerNames.size(); ++i)
        if (kTriggerNames[i] == name)
            return static_cast<Trigger>(i);
    return std::nullopt;
}

// varInfo() indexes the table by the enum's value.
constexpr bool tableInEnumOrder()
{
    for (std::size_t i = 0; i < kVars.size(); ++i)
        if (static_cast<std::size_t>(kVars[i].var) != i)
            return false;
    return true;
}
static_assert(tableInEnumOrder(), "kVars must list the variables in the order of enum Var");

const std::array<VarInfo, kVarCount> &allVars() { return kVars; }
const VarInfo &varInfo(Var v) { return kVars[static_cast<size_t>(v)]; }

std::optional<Var> varFromName(std::string_view dottedName)
{
    for (const auto &vi : kVars)
        if (vi.name == dottedName)
            return vi.var;
    return std::nullopt;
}

bool isContentVar(Var v)
{
    return v >= Var::RequestMethod && v <= Var::RequestContentType;
}

bool triggerProvides(Trigger t, Var v)
{
    if (isSessionVar(v))
        return true;
    switch (t) {
    case Trigger::ToolCall:
        return v == Var::ToolName || v == Var::ToolArgs || v == Var::ToolCallsInLastMinute || v == Var::ToolServer;
    case Trigger::DataOutput:
        return v == Var::Output || v == Var::ToolName || v == Var::ToolServer;
    case Trigger::AgentResponse:
        return v == Var::Response;
    case Trigger::NetworkEgress:
        return v == Var::DestinationHost || v == Var::DestinationIp || v == Var::DestinationPort
            || v == Var::DestinationProtocol || v == Var::DestinationRegion || v == Var::RequestBytes
            || v == Var::ToolName || isContentVar(v);
    case Trigger::FileAccess:
        return v == Var::FilePath || v == Var::FileOperation || v == Var::FileSize || v == Var::FileExtension;
    }
    return false;
}

} // namespace osh
