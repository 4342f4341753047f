#include "decision.h"

namespace osh {

std::string_view layerName(Layer l)
{
    switch (l) {
    case Layer::None: return "none";
    case Layer::Sandbox: return "sandbox";
    case Layer::Network: return "network";
    case Layer::Filesystem: return "filesystem";
    case Layer::Policy: return "policy";
    }
    return "none";
}

namespace {
void appendOptString(std::string &out, const std::string &s)
{
    if (s.empty())
        out += "null";
    else
        appendJsonString(out, s);
}
} // namespace

void Decision::appendJson(std::string &out) const
{
    out += "{\"decision\":";
    appendJsonString(out, actionName(outcome));
    out += ",\"layer\":";
    if (layer == Layer::None)
        out += "null";
    else
        appendJsonString(out, layerName(layer));
    out += ",\"policy\":";
    appendOptString(out, policy);
    out += ",\"message\":";
    appendOptString(out, message);
    out += ",\"log_level\":";
    appendJsonString(out, logLevelName(logLevel));
    out += ",\"escalation\":";
    appendOptString(out, escalation);
    out += ",\"delay_seconds\":";
    if (delaySeconds)
        appendJsonNumber(out, *delaySeconds);
    else
        out += "null";
    out += ",\"output\":";
    if (output)
        appendJsonString(out, *output);
    else
        out += "null";
    out += ",\"trace\":[";
    bool first = true;
    for (const auto &t : trace) {
        if (!first)
            out += ',';
        first = false;
        out += "{\"layer\":";
        appendJsonString(out, layerName(t.layer));
        if (t.isPolicy) {
            out += ",\"policy\":";
            appendJsonString(out, t.policy);
            out += ",\"matched\":";
            out += t.matched ? "true" : "false";
            out += ",\"reads\":{";
            bool firstRead = true;
            for (const auto &r : readsOf(t)) {
                if (!firstRead)
                    out += ',';
                firstRead = false;
                appendJsonString(out, r.path);
                out += ':';
                r.value.appendJson(out);
            }
            out += '}';
            if (t.hasError()) {
                out += ",\"error\":";
                appendJsonString(out, t.detail);
                out += ",\"fail_closed\":";
                out += t.failClosed ? "true" : "false";
            }
        } else {
            out += ",\"verdict\":";
            out += t.allowed ? "\"allow\"" : "\"block\"";
            if (t.rule >= 0)
                out += ",\"rule\":" + std::to_string(t.rule);
            if (!t.detail.empty()) {
                out += ",\"reason\":";
                appendJsonString(out, t.detail);
            }
        }
        out += '}';
    }
    out += "]}";
}

std::string Decision::toJson() const
{
    std::string s;
    appendJson(s);
    return s;
}

} // namespace osh
