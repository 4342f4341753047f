// The network section of the semantic diff. Rules are compared twice: as
// text (added, removed, moved, changed keys) and by what they decide. For
// the second, every identity, host, port and protocol any rule of either
// version mentions is asked of the real NetworkLayer under both versions,
// so first-match and exact-name precedence are exactly the engine's.

#include "diff/diffsections.h"

#include "engine/networklayer.h"
#include "engine/sessionstate.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace osh::diff::detail {

namespace {

// The identity that stands for "a tool no rule names".
constexpr std::string_view kOtherIdentity = "\x1f" "other";

std::string identityText(const std::string &identity)
{
    if (identity == kOtherIdentity)
        return "any tool without a rule of its own";
    return identity == "agent" ? std::string("the agent") : "tool " + quoted(identity);
}

std::string ruleTitle(const EgressRule &r, size_t index)
{
    return "network rule " + std::to_string(index + 1) + " (" + r.tool + ")";
}

std::string portsText(const std::vector<int> &ports)
{
    std::string out;
    for (int p : ports)
        out += (out.empty() ? "" : ", ") + std::to_string(p);
    return out;
}

std::string portsPhrase(const std::vector<int> &ports)
{
    return (ports.size() == 1 ? "port " : "ports ") + portsText(ports);
}

std::string rateText(const std::optional<RateLimit> &r)
{
    return r ? r->text : std::string("none");
}

// Set difference in list order: items of x not in y.
template <typename T>
std::vector<T> minus(const std::vector<T> &x, const std::vector<T> &y)
{
    std::vector<T> out;
    for (const auto &v : x)
        if (std::find(y.begin(), y.end(), v) == y.end())
            out.push_back(v);
    return out;
}

Effect rateEffect(const std::optional<RateLimit> &a, const std::optional<RateLimit> &b)
{
    if (a == b)
        return Effect::Neutral;
    if (!a || !b)
        return limitEffect(a ? std::optional<double>(0) : std::nullopt, b ? std::optional<double>(0) : std::nullopt);
    // Connections per day, as a rate comparable across windows.
    const double ra = static_cast<double>(a->count) * 86400.0 / static_cast<double>(std::max<std::int64_t>(a->windowSeconds, 1));
    const double rb = static_cast<double>(b->count) * 86400.0 / static_cast<double>(std::max<std::int64_t>(b->windowSeconds, 1));
    if (ra == rb)
        return Effect::Unknown; // same average, different burst
    return rb > ra ? Effect::Looser : Effect::Stricter;
}

void compareRule(const EgressRule &x, size_t ix, const EgressRule &y, size_t iy, std::vector<Change> &out)
{
    const std::string subject = ruleTitle(y, iy);
    auto push = [&](std::string_view key, Effect e, std::string before, std::string after, std::string meaning) {
        Change c;
        c.section = Section::Network;
        c.kind = ChangeKind::Changed;
        c.effect = e;
        c.subject = subject;
        c.key = std::string(key);
        c.sentence = (ix == iy ? subject : subject + " (was rule " + std::to_string(ix + 1) + ")") + ": "
            + std::string(key) + " changed from " + before + " to " + after + (meaning.empty() ? "." : "; " + meaning + ".");
        c.before = std::move(before);
        c.after = std::move(after);
        c.beforePos = x.loc.has(key) ? x.loc.valuePos(key) : x.loc.pos;
        c.afterPos = y.loc.has(key) ? y.loc.valuePos(key) : y.loc.pos;
        out.push_back(std::move(c));
    };
    if (x.tool != y.tool)
        push("tool", Effect::Unknown, quoted(x.tool), quoted(y.tool), "the rule now applies to another identity");
    if (x.allowedHosts != y.allowedHosts) {
        const auto added = minus(y.allowedHosts, x.allowedHosts);
        const auto removed = minus(x.allowedHosts, y.allowedHosts);
        const Effect e = !added.empty() && removed.empty()   ? Effect::Looser
            : added.empty() && !removed.empty()             ? Effect::Stricter
            : added.empty() && removed.empty()              ? Effect::Neutral
                                                            : Effect::Unknown;
        std::string meaning;
        if (!added.empty())
            meaning += "adds " + listText(added);
        if (!removed.empty())
            meaning += (meaning.empty() ? "" : ", ") + std::string("drops ") + listText(removed);
        if (meaning.empty())
            meaning = "same hosts in another order";
        push("allowed_hosts", e, listText(x.allowedHosts), listText(y.allowedHosts), meaning);
    }
    if (x.allowedPorts != y.allowedPorts) {
        const bool more = minus(y.allowedPorts, x.allowedPorts).size() > 0;
        const bool fewer = minus(x.allowedPorts, y.allowedPorts).size() > 0;
        push("allowed_ports", more && !fewer ? Effect::Looser : fewer && !more ? Effect::Stricter : more ? Effect::Unknown : Effect::Neutral,
             "[" + portsText(x.allowedPorts) + "]", "[" + portsText(y.allowedPorts) + "]", {});
    }
    if (x.protocol != y.protocol)
        push("protocol", Effect::Unknown, std::string(protocolName(x.protocol)), std::string(protocolName(y.protocol)),
             "the rule now matches another protocol");
    if (x.tlsRequired() != y.tlsRequired())
        push("tls_required", y.tlsRequired() ? Effect::Stricter : Effect::Looser, x.tlsRequired() ? "true" : "false",
             y.tlsRequired() ? "true" : "false", y.tlsRequired() ? "connections must now use TLS" : "connections may now go unencrypted");
    if (x.maxRequestSizeKb != y.maxRequestSizeKb)
        push("max_request_size_kb", limitEffect(x.maxRequestSizeKb, y.maxRequestSizeKb), optText(x.maxRequestSizeKb),
             optText(y.maxRequestSizeKb), {});
    if (x.maxResponseSizeMb != y.maxResponseSizeMb)
        push("max_response_size_mb", limitEffect(x.maxResponseSizeMb, y.maxResponseSizeMb), optText(x.maxResponseSizeMb),
             optText(y.maxResponseSizeMb), {});
    if (!(x.rateLimit == y.rateLimit))
        push("rate_limit", rateEffect(x.rateLimit, y.rateLimit), rateText(x.rateLimit), rateText(y.rateLimit), {});
    // Empty lists allow any method or path: more entries is looser only
    // when the old list was not already "any".
    auto listEffect = [](const std::vector<std::string> &a, const std::vector<std::string> &b) {
        if (a.empty())
            return Effect::Stricter; // any -> some
        if (b.empty())
            return Effect::Looser;
        const bool more = minus(b, a).size() > 0;
        const bool fewer = minus(a, b).size() > 0;
        return more && !fewer ? Effect::Looser : fewer && !more ? Effect::Stricter : Effect::Unknown;
    };
    auto listText = [](const std::vector<std::string> &l) {
        std::string t;
        for (const auto &e : l)
            t += (t.empty() ? "" : ", ") + e;
        return l.empty() ? std::string("any") : "[" + t + "]";
    };
    if (x.allowedMethods() != y.allowedMethods())
        push("methods", listEffect(x.allowedMethods(), y.allowedMethods()), listText(x.allowedMethods()),
             listText(y.allowedMethods()), {});
    if (x.paths != y.paths)
        push("paths", listEffect(x.paths, y.paths), listText(x.paths), listText(y.paths), {});
    if (x.inspected() != y.inspected())
        push("inspect", y.inspected() ? Effect::Stricter : Effect::Looser, x.inspected() ? "true" : "false",
             y.inspected() ? "true" : "false",
             y.inspected() ? "each request is now read and decided" : "requests are now tunnelled unread");
    if (x.caFile != y.caFile)
        push("ca_file", Effect::Unknown, x.caFile.value_or("(host trust store)"), y.caFile.value_or("(host trust store)"),
             "the origin is now trusted through another set of certificates");
}

bool hasLimits(const EgressRule &r)
{
    return r.rateLimit || r.maxRequestSizeKb || r.maxResponseSizeMb || !r.allowedMethods().empty() || !r.paths.empty();
}

// Pairs rules of the two versions: equal rules first (in order), then the
// remaining ones with the same tool and a shared host, then by position.
std::vector<int> pairRules(const std::vector<EgressRule> &a, const std::vector<EgressRule> &b)
{
    std::vector<int> match(b.size(), -1);
    std::vector<bool> used(a.size(), false);
    auto pass = [&](auto &&same) {
        for (size_t j = 0; j < b.size(); ++j) {
            if (match[j] >= 0)
                continue;
            for (size_t i = 0; i < a.size(); ++i)
                if (!used[i] && same(a[i], b[j])) {
                    match[j] = static_cast<int>(i);
                    used[i] = true;
                    break;
                }
        }
    };
    pass([](const EgressRule &x, const EgressRule &y) { return x == y; });
    pass([](const EgressRule &x, const EgressRule &y) {
        if (x.tool != y.tool)
            return false;
        for (const auto &h : x.allowedHosts)
            if (std::find(y.allowedHosts.begin(), y.allowedHosts.end(), h) != y.allowedHosts.end())
                return true;
        return false;
    });
    pass([](const EgressRule &x, const EgressRule &y) { return x.tool == y.tool && x.protocol == y.protocol; });
    return match;
}

struct Probe
{
    std::string identity;
    std::string host;    // what is asked
    std::string display; // how the sentence names it
    int port = 0;
    std::string protocol;
    auto key() const { return std::tie(identity, host, port, protocol); }
    friend bool operator<(const Probe &x, const Probe &y) { return x.key() < y.key(); }
};

std::string probeHost(const std::string &entry, std::string &display)
{
    if (entry == "*") {
        display = "any host";
        return "unlisted-host.invalid";
    }
    if (entry.size() > 2 && entry[0] == '*' && entry[1] == '.') {
        display = "hosts under " + entry;
        return "any-name." + entry.substr(2);
    }
    if (const auto slash = entry.find('/'); slash != std::string::npos) {
        display = "addresses in " + entry;
        return entry.substr(0, slash);
    }
    display = entry;
    return entry;
}

void collectProbes(const PolicyDocument &d, const std::vector<std::string> &identities, std::set<Probe> &probes)
{
    for (const EgressRule &r : d.network.rules)
        for (const std::string &entry : r.allowedHosts)
            for (int port : r.allowedPorts) {
                Probe p;
                p.host = probeHost(entry, p.display);
                p.port = port;
                p.protocol = std::string(protocolName(r.protocol));
                if (r.tool == "*") {
                    for (const auto &id : identities) {
                        p.identity = id;
                        probes.insert(p);
                    }
                } else {
                    p.identity = r.tool;
                    probes.insert(p);
                }
            }
}

struct EgressOutcome
{
    bool allowed = false;
    int rule = -1;
    std::string reason;
};

EgressOutcome ask(const PolicyDocument &d, const NetworkLayer &layer, const Probe &p)
{
    if (!d.sandbox.allowNetwork)
        return {false, -1, "sandbox.allow_network is false"};
    EgressQuery q;
    q.identity = p.identity;
    q.host = p.host;
    q.port = p.port;
    q.protocol = p.protocol;
    const SessionState fresh;
    const EgressVerdict v = layer.decide(q, fresh);
    return {v.allowed, v.rule, v.reason};
}

// A refusal's reason without the port and the internal identity, so one
// sentence can gather several ports.
std::string refusalText(const std::string &reason)
{
    if (reason.find("default_policy deny-all") != std::string::npos)
        return "no rule allows it and default_policy is deny-all";
    if (reason.find("block_private_ranges") != std::string::npos)
        return "the address is private and block_private_ranges refuses it (no rule names the host exactly)";
    if (reason.find("dns_filtering") != std::string::npos)
        return "no rule allows the name, so dns_filtering never resolves it";
    std::string out = reason;
    const std::string internal = "'" + std::string(kOtherIdentity) + "'";
    for (auto at = out.find(internal); at != std::string::npos; at = out.find(internal))
        out.replace(at, internal.size(), "another tool");
    return out;
}

void diffDecisions(const PolicyDocument &a, const PolicyDocument &b, const std::vector<int> &match, std::vector<Change> &out)
{
    std::vector<std::string> identities{std::string(kOtherIdentity)};
    for (const auto *d : {&a, &b})
        for (const EgressRule &r : d->network.rules)
            if (r.tool != "*" && std::find(identities.begin(), identities.end(), r.tool) == identities.end())
                identities.push_back(r.tool);
    std::set<Probe> probes;
    collectProbes(a, identities, probes);
    collectProbes(b, identities, probes);

    const NetworkLayer la(a.network);
    const NetworkLayer lb(b.network);
    // One sentence per identity, destination, protocol and outcome, the ports gathered.
    struct Group
    {
        Effect effect;
        std::string identity, display, protocol, detail;
        std::vector<int> ports;
        SourcePos beforePos, afterPos;
    };
    std::vector<Group> groups;
    const SourcePos rulesPos = b.network.loc.has("rules") ? b.network.loc.valuePos("rules") : b.loc.valuePos("network");
    for (const Probe &p : probes) {
        const EgressOutcome x = ask(a, la, p);
        const EgressOutcome y = ask(b, lb, p);
        Group g;
        g.identity = p.identity;
        g.display = p.display;
        g.protocol = p.protocol;
        g.beforePos = x.rule >= 0 ? a.network.rules[static_cast<size_t>(x.rule)].loc.pos : SourcePos{};
        g.afterPos = y.rule >= 0 ? b.network.rules[static_cast<size_t>(y.rule)].loc.pos : rulesPos;
        if (x.allowed != y.allowed) {
            g.effect = y.allowed ? Effect::NewlyAllowed : Effect::NewlyBlocked;
            g.detail = y.allowed ? (y.rule >= 0 ? "by rule " + std::to_string(y.rule + 1) : std::string("by default_policy allow-all"))
                                 : refusalText(y.reason);
        } else if (x.allowed && x.rule >= 0 && y.rule >= 0) {
            // Still allowed, but possibly under another rule with other limits.
            const EgressRule &rx = a.network.rules[static_cast<size_t>(x.rule)];
            const EgressRule &ry = b.network.rules[static_cast<size_t>(y.rule)];
            const Effect e = combine(combine(limitEffect(rx.maxRequestSizeKb, ry.maxRequestSizeKb),
                                             limitEffect(rx.maxResponseSizeMb, ry.maxResponseSizeMb)),
                                     combine(rateEffect(rx.rateLimit, ry.rateLimit),
                                             rx.tlsRequired() == ry.tlsRequired() ? Effect::Neutral
                                                 : ry.tlsRequired()               ? Effect::Stricter
                                                                                  : Effect::Looser));
            if (e == Effect::Neutral || match[static_cast<size_t>(y.rule)] == x.rule)
                continue; // same limits, or the same rule (its edited keys are reported above)
            const auto now = std::find(match.begin(), match.end(), x.rule);
            g.effect = e;
            g.detail = "now decided by rule " + std::to_string(y.rule + 1) + " (rate limit " + rateText(ry.rateLimit)
                + ", max request " + optText(ry.maxRequestSizeKb) + " KB) instead of "
                + (now == match.end() ? "the removed rule " + std::to_string(x.rule + 1)
                                      : "the rule now at position " + std::to_string(now - match.begin() + 1))
                + " (rate limit " + rateText(rx.rateLimit) + ", max request " + optText(rx.maxRequestSizeKb) + " KB)";
        } else {
            continue;
        }
        auto same = std::find_if(groups.begin(), groups.end(), [&](const Group &o) {
            return o.effect == g.effect && o.identity == g.identity && o.display == g.display && o.protocol == g.protocol
                && o.detail == g.detail;
        });
        if (same != groups.end()) {
            same->ports.push_back(p.port);
            continue;
        }
        g.ports.push_back(p.port);
        groups.push_back(std::move(g));
    }
    for (Group &g : groups) {
        std::sort(g.ports.begin(), g.ports.end());
        const std::string where = g.display + " on port" + (g.ports.size() > 1 ? "s " : " ") + portsText(g.ports) + " (" + g.protocol + ")";
        Change c;
        c.section = Section::Network;
        c.kind = ChangeKind::Consequence;
        c.effect = g.effect;
        c.subject = g.identity == kOtherIdentity ? std::string("*") : g.identity;
        c.after = where;
        std::string who = identityText(g.identity);
        who[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(who[0])));
        if (g.effect == Effect::NewlyAllowed)
            c.sentence = who + " may now reach " + where + ", " + g.detail + ".";
        else if (g.effect == Effect::NewlyBlocked)
            c.sentence = who + " may no longer reach " + where + ": " + g.detail + ".";
        else
            c.sentence = who + " reaching " + where + " is " + g.detail + ".";
        c.beforePos = g.beforePos;
        c.afterPos = g.afterPos;
        out.push_back(std::move(c));
    }
}

} // namespace

void diffNetwork(const PolicyDocument &da, const PolicyDocument &db, std::vector<Change> &out)
{
    const NetworkGuardian &a = da.network;
    const NetworkGuardian &b = db.network;
    const SourcePos sectionPos = db.loc.has("network") ? db.loc.valuePos("network") : db.loc.pos;
    auto push = [&](std::string_view key, Effect e, std::string x, std::string y, std::string meaning) {
        out.push_back(settingChange(Section::Network, "network", key, e, std::move(x), std::move(y), meaning, a.loc, b.loc, sectionPos));
    };
    if (a.defaultPolicy != b.defaultPolicy) {
        const bool open = b.defaultPolicy == DefaultPolicy::AllowAll;
        push("default_policy", open ? Effect::NewlyAllowed : Effect::NewlyBlocked, std::string(defaultPolicyName(a.defaultPolicy)),
             std::string(defaultPolicyName(b.defaultPolicy)),
             open ? "destinations no rule lists are now allowed" : "destinations no rule lists are now refused");
    }
    if (a.blockPrivateRanges != b.blockPrivateRanges)
        push("block_private_ranges", b.blockPrivateRanges ? Effect::NewlyBlocked : Effect::NewlyAllowed,
             a.blockPrivateRanges ? "true" : "false", b.blockPrivateRanges ? "true" : "false",
             b.blockPrivateRanges ? "private, loopback and link-local addresses are now refused unless named exactly"
                                  : "private, loopback and link-local addresses (including cloud metadata) may now be reached through wildcards and CIDRs");
    if (a.dnsFiltering != b.dnsFiltering)
        push("dns_filtering", b.dnsFiltering ? Effect::Stricter : Effect::Looser, a.dnsFiltering ? "true" : "false",
             b.dnsFiltering ? "true" : "false",
             b.dnsFiltering ? "names no rule allows are no longer resolved" : "names no rule allows may now be resolved");
    if (a.allowedDnsServers != b.allowedDnsServers)
        push("allowed_dns_servers", Effect::Unknown, listText(a.allowedDnsServers), listText(b.allowedDnsServers),
             "names are resolved through other servers");
    if (a.hosts != b.hosts) {
        auto text = [](const auto &m) {
            std::vector<std::string> v;
            for (const auto &[k, ip] : m)
                v.push_back(k + "=" + ip);
            return listText(v);
        };
        push("hosts", Effect::Unknown, text(a.hosts), text(b.hosts), "names resolve to other addresses");
    }
    if (a.regions != b.regions) {
        auto text = [](const auto &m) {
            std::vector<std::string> v;
            for (const auto &[k, list] : m)
                v.push_back(k + ":" + listText(list));
            return listText(v);
        };
        push("regions", Effect::Unknown, text(a.regions), text(b.regions),
             "destination_region changes for some hosts; conditions on it decide the effect");
    }

    // The rules as text.
    const std::vector<int> match = pairRules(a.rules, b.rules);
    std::vector<bool> matchedA(a.rules.size(), false);
    std::vector<int> order; // old index of each paired new rule, in new order
    std::vector<size_t> pairedNew;
    for (size_t j = 0; j < b.rules.size(); ++j)
        if (match[j] >= 0) {
            matchedA[static_cast<size_t>(match[j])] = true;
            order.push_back(match[j]);
            pairedNew.push_back(j);
        }
    const std::vector<bool> stable = stableInOrder(order);
    const SourcePos rulesPos = b.loc.has("rules") ? b.loc.valuePos("rules") : sectionPos;
    for (size_t i = 0; i < a.rules.size(); ++i) {
        if (matchedA[i])
            continue;
        Change c;
        c.section = Section::Network;
        c.kind = ChangeKind::Removed;
        // A rule only allows; but one with limits may have shadowed a looser one.
        c.effect = hasLimits(a.rules[i]) ? Effect::Unknown : Effect::Stricter;
        c.subject = ruleTitle(a.rules[i], i);
        c.before = listText(a.rules[i].allowedHosts);
        c.sentence = "Removed " + c.subject + " allowing " + c.before + " on " + portsPhrase(a.rules[i].allowedPorts)
            + " (" + std::string(protocolName(a.rules[i].protocol)) + ").";
        c.beforePos = a.rules[i].loc.pos;
        c.afterPos = rulesPos;
        out.push_back(std::move(c));
    }
    for (size_t k = 0, j = 0; j < b.rules.size(); ++j) {
        const EgressRule &r = b.rules[j];
        if (match[j] < 0) {
            Change c;
            c.section = Section::Network;
            c.kind = ChangeKind::Added;
            c.effect = hasLimits(r) ? Effect::Unknown : Effect::Looser;
            c.subject = ruleTitle(r, j);
            c.after = listText(r.allowedHosts);
            c.sentence = "Added " + c.subject + " allowing " + c.after + " on " + portsPhrase(r.allowedPorts) + " ("
                + std::string(protocolName(r.protocol)) + ").";
            c.afterPos = r.loc.pos;
            out.push_back(std::move(c));
            continue;
        }
        const auto i = static_cast<size_t>(match[j]);
        if (!stable[k++]) {
            Change c;
            c.section = Section::Network;
            c.kind = ChangeKind::Moved;
            c.effect = Effect::Neutral; // what the new order decides is reported as consequences
            c.subject = ruleTitle(r, j);
            c.before = std::to_string(i + 1);
            c.after = std::to_string(j + 1);
            c.sentence = "Moved " + ruleTitle(r, j) + " from position " + c.before + " to " + c.after
                + "; first match decides, so it is now consulted "
                + (j < i ? "before" : "after") + " the rules it passed.";
            c.beforePos = a.rules[i].loc.pos;
            c.afterPos = r.loc.pos;
            out.push_back(std::move(c));
        }
        if (!(a.rules[i] == r))
            compareRule(a.rules[i], i, r, j, out);
    }
    diffDecisions(da, db, match, out);
}

} // namespace osh::diff::detail
