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

std::string_view traceLevelName(TraceLevel l)
{
    switch (l) {
    case TraceLevel::None: return "none";
    case TraceLevel::Decisive: return "decisive";
    case TraceLevel::Full: return "full";
    }
    return "decisive";
}

std::optional<TraceLevel> traceLevelFromName(std::string_view name)
{
    for (auto l : {TraceLevel::None, TraceLevel::Decisive, TraceLevel::Full})
        if (traceLevelName(l) == name)
            return l;
    return std::nullopt;
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
        if (traceLevel == TraceLevel::None)
            break;
        if (!first)
            out += ',';
        first = false;
        out += "{\"layer\":";
        appendJsonString(out, layerName(t.layer));
        if (t.skipped > 0) {
            out += ",\"skipped\":" + std::to_string(t.skipped) + ",\"because\":";
            appendJsonString(out, varInfo(t.because).name);
        } else if (t.isPolicy) {
            out += ",\"policy\":";
            appendJsonString(out, t.policy);
            out += ",\"matched\":";
            out += t.matched ? "true" : "false";
            // Variables under "reads"; what PII calls found, and why, under
            // "pii" (only when one found something).
            auto appendReads = [&](bool pii) {
                bool firstRead = true;
                for (const auto &r : readsOf(t)) {
                    if (r.pii != pii)
                        continue;
                    out += firstRead ? (pii ? ",\"pii\":{" : "") : ",";
                    firstRead = false;
                    appendJsonString(out, r.path);
                    out += ':';
                    r.value.appendJson(out);
                }
                if (!firstRead || !pii)
                    out += '}';
            };
            out += ",\"reads\":{";
            appendReads(false);
            appendReads(true);
            if (t.skippedByIndex) {
                out += ",\"skipped_by_index\":";
                appendJsonString(out, varInfo(t.because).name);
            }
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
