#pragma once
// One action to decide on (spec section 5): its trigger, time, cost and the
// variables its conditions may read. Parsed from the JSON request format that
// `osctl eval` reads and the runtime produces.

#include "model/trigger.h"
#include "util/value.h"

#include <array>
#include <bitset>
#include <optional>
#include <string>
#include <string_view>

class QJsonValue;

namespace osh {

// A JSON value as a condition-language Value (whole numbers become ints).
Value valueFromJson(const QJsonValue &v);

struct Request
{
    Trigger trigger = Trigger::ToolCall;
    std::optional<double> ts; // seconds, any epoch; orders a session
    double cost = 0;          // this action's cost, added to later total_cost
    std::array<Value, kVarCount> vars;
    std::bitset<kVarCount> given; // variables the request set itself

    // file_access extras: the link target of a symlink operation and the
    // expanded size of an archive being written or extracted.
    std::optional<std::string> linkTarget;
    std::optional<std::int64_t> expandedSize;

    const Value &get(Var v) const { return vars[static_cast<std::size_t>(v)]; }
    void set(Var v, Value value)
    {
        vars[static_cast<std::size_t>(v)] = std::move(value);
        given.set(static_cast<std::size_t>(v));
    }
    bool has(Var v) const { return given.test(static_cast<std::size_t>(v)); }
    // The requesting identity for egress: tool.name, or "agent".
    std::string identity() const;

    // Why a request was refused. A JSON syntax error has the 1-based line
    // and column of the byte it was found at in the text; for a request
    // that is valid JSON but not a valid request both are 0 and the message
    // names the field.
    struct ParseError
    {
        std::string message;
        int line = 0;
        int column = 0;
    };
    // Parses one JSON request (simdjson, straight into the variables). On
    // error returns nullopt and sets error. Duplicate keys are refused in
    // every object: readers that keep the first and readers that keep the
    // last would see different requests.
    static std::optional<Request> fromJson(std::string_view json, ParseError &error);
    // The same; a syntax error's message starts "invalid JSON at line L,
    // column C: ".
    static std::optional<Request> fromJson(std::string_view json, std::string &error);
    // What follows reading the fields: each trigger's required variables,
    // its defaults and, for an inspected HTTP request, the values such a
    // request has. fromJson calls it; exposed for reference parsers in
    // tests.
    static bool completeParsed(Request &r, std::string &error);
    // The request as JSON (variables it was given, plus trigger/ts/cost).
    std::string toJson() const;
};

} // namespace osh
