#include "diagnostic.h"
#include "value.h"

#include <algorithm>

namespace osh {

std::string_view severityName(Severity s)
{
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    }
    return "error";
}

std::string Diagnostic::format() const
{
    std::string out = file.empty() ? std::string("<input>") : file;
    out += ':' + std::to_string(begin.line) + ':' + std::to_string(begin.column) + ": ";
    out += severityName(severity);
    out += ": [" + code + "] " + message;
    if (!suggestion.empty() && message.find("did you mean") == std::string::npos)
        out += " (did you mean '" + suggestion + "'?)";
    return out;
}

bool hasErrors(const Diagnostics &d)
{
    return std::any_of(d.begin(), d.end(), [](const Diagnostic &x) { return x.severity == Severity::Error; });
}

void Diagnostic::appendJson(std::string &out) const
{
    out += "{\"file\":";
    appendJsonString(out, file);
    out += ",\"line\":" + std::to_string(begin.line) + ",\"column\":" + std::to_string(begin.column);
    if (end.valid())
        out += ",\"end_line\":" + std::to_string(end.line) + ",\"end_column\":" + std::to_string(end.column);
    out += ",\"severity\":";
    appendJsonString(out, severityName(severity));
    out += ",\"code\":";
    appendJsonString(out, code);
    out += ",\"message\":";
    appendJsonString(out, message);
    out += ",\"suggestion\":";
    if (suggestion.empty())
        out += "null";
    else
        appendJsonString(out, suggestion);
    out += '}';
}

} // namespace osh
