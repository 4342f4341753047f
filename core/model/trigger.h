#pragma once
// Triggers (spec section 5) and the request variables a condition may read.
// Shared by the policy model, the condition language and the decision engine.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace osh {

enum class Trigger : std::uint8_t { ToolCall, DataOutput, AgentResponse, NetworkEgress, FileAccess };
inline constexpr int kTriggerCount = 5;

std::string_view triggerName(Trigger t);
std::optional<Trigger> triggerFromName(std::string_view name);

// Every variable of spec section 5 (and tool.server), by its dotted name;
// grouped by prefix (Request::toJson writes each group as one object).
enum class Var : std::uint8_t {
    ToolName,              // tool.name                  string
    ToolArgs,              // tool.args                  map
    ToolCallsInLastMinute, // tool.calls_in_last_minute  int
    ToolServer,            // tool.server                string (null unless the tool is an MCP server's)
    SessionId,             // session.id                 string
    SessionTotalCost,      // session.total_cost         float
    SessionToolCalls,      // session.tool_calls         int
    SessionElapsedSeconds, // session.elapsed_seconds    float
    Output,                // output                     string
    Response,              // response                   string
    DestinationHost,       // destination.host           string
    DestinationIp,         // destination.ip             string
    DestinationPort,       // destination.port           int
    DestinationProtocol,   // destination.protocol       string
    DestinationRegion,     // destination_region         string (null when no region matches)
    RequestBytes,          // request.bytes              int
    RequestMethod,         // request.method             string (null unless the request is inspected)
    RequestPath,           // request.path               string (decoded; null unless inspected)
    RequestQuery,          // request.query              map (decoded; null unless inspected)
    RequestUrl,            // request.url                string (null unless inspected)
    RequestHeaders,        // request.headers            map (lower-case names; null unless inspected)
    RequestBody,           // request.body               string (null unless inspected)
    RequestContentType,    // request.content_type       string (null without inspection or Content-Type)
    FilePath,              // file.path                  string
    FileOperation,         // file.operation             string
    FileSize,              // file.size                  int
    FileExtension,         // file.extension             string
};
inline constexpr int kVarCount = 27;

// Static type of a variable, for the condition checker.
enum class VarType : std::uint8_t { String, Int, Float, Map };

struct VarInfo
{
    Var var;
    std::string_view name; // dotted, e.g. "tool.calls_in_last_minute"
    VarType type;
    bool nullable; // may read as null even when the trigger provides it
};

const std::array<VarInfo, kVarCount> &allVars();
const VarInfo &varInfo(Var v);
std::optional<Var> varFromName(std::string_view dottedName);

// Whether the trigger provides the variable (spec section 5 table).
bool triggerProvides(Trigger t, Var v);
// The variables only an inspected HTTP request has (request.method and the
// rest of the request line, headers and body): null for a tunnel, a tcp or
// smtp connection, and a connection that is decided before its requests.
bool isContentVar(Var v);

} // namespace osh
