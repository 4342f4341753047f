#include "networklayer.h"

#include "util/httppath.h"
#include "util/strings.h"

#include "engine/sessionstate.h"

#include <algorithm>
#include <cmath>

namespace osh {

NetworkLayer::HostPattern NetworkLayer::compilePattern(const std::string &text)
{
    HostPattern p;
    if (text == "*") {
        p.any = true;
        return p;
    }
    if (auto c = net::Cidr::parse(text)) {
        p.cidr = c;
        return p;
    }
    if (auto ip = net::parseIp(text)) {
        p.ip = ip;
        return p;
    }
    std::string n = net::normalizeHost(text);
    if (n.size() > 2 && n[0] == '*' && n[1] == '.') {
        p.wildcard = true;
        n.erase(0, 2);
    }
    p.name = std::move(n);
    return p;
}

NetworkLayer::NetworkLayer(const NetworkGuardian &config) : m_config(config)
{
    for (const auto &r : config.rules) {
        Rule cr;
        cr.tool = r.tool;
        for (const auto &h : r.allowedHosts)
            cr.hosts.push_back(compilePattern(h));
        cr.ports = r.allowedPorts;
        cr.protocol = r.protocol;
        if (r.maxRequestSizeKb)
            cr.maxRequestBytes = static_cast<std::int64_t>(std::llround(*r.maxRequestSizeKb * 1024.0));
        cr.rate = r.rateLimit;
        cr.methods = r.allowedMethods();
        cr.paths = r.paths;
        cr.inspected = r.inspected();
        m_rules.push_back(std::move(cr));
    }
    for (const auto &[name, entries] : config.regions) {
        std::vector<HostPattern> ps;
        for (const auto &e : entries)
            ps.push_back(compilePattern(e));
        m_regions.emplace_back(name, std::move(ps));
    }
}

NetworkLayer::HostMatch NetworkLayer::match(const HostPattern &p, const std::string &host,
                                            const std::optional<net::IpAddress> &ip)
{
    if (p.any)
        return HostMatch::Wildcard;
    if (p.cidr)
        return ip && p.cidr->contains(*ip) ? HostMatch::Cidr : HostMatch::None;
    if (p.ip) {
        // An address pattern names the host exactly when the request asked
        // for that address literally; reaching it through a name is a match
        // by address only.
        if (auto lit = net::parseIpLenient(host); lit && *lit == *p.ip)
            return HostMatch::Exact;
        return ip && *ip == *p.ip ? HostMatch::Cidr : HostMatch::None;
    }
    if (p.wildcard) {
        // "*.example.com" matches one or more labels before example.com.
        return host.size() > p.name.size() + 1 && host.compare(host.size() - p.name.size(), p.name.size(), p.name) == 0
                && host[host.size() - p.name.size() - 1] == '.'
            ? HostMatch::Wildcard
            : HostMatch::None;
    }
    return host == p.name ? HostMatch::Exact : HostMatch::None;
}

std::optional<std::string> NetworkLayer::staticAddress(const std::string &host) const
{
    const auto n = net::normalizeHost(host);
    for (const auto &[name, ip] : m_config.hosts)
        if (net::normalizeHost(name) == n)
            return ip;
    return std::nullopt;
}

std::string NetworkLayer::regionOf(const std::string &host, const std::optional<net::IpAddress> &ip) const
{
    const auto n = net::normalizeHost(host);
    for (const auto &[name, patterns] : m_regions)
        for (const auto &p : patterns)
            if (!p.any && match(p, n, ip) != HostMatch::None)
                return name;
    return {};
}

std::optional<std::string> NetworkLayer::requestRefusal(const Rule &r, int index, const EgressQuery &q)
{
    if (!q.method)
        return std::nullopt;
    const std::string rule = "rule " + std::to_string(index);
    if (!r.methods.empty() && std::find(r.methods.begin(), r.methods.end(), *q.method) == r.methods.end()) {
        std::string list;
        for (const auto &m : r.methods)
            list += (list.empty() ? "" : ", ") + m;
        return "method " + *q.method + " is not allowed by " + rule + " (methods: " + list + ")";
    }
    if (r.methods.empty() && r.paths.empty())
        return std::nullopt;
    if (q.overrideHeader)
        return "header " + *q.overrideHeader + " may make the origin serve another method or path than the one "
            + rule + " checks; it is not allowed with methods or paths";
    if (r.paths.empty())
        return std::nullopt;
    const std::string path = q.path.value_or("/");
    if (auto why = http::pathAmbiguity(path))
        return "path '" + path + "' holds " + *why + "; " + rule + " allows only paths in normal form";
    if (q.rawPath) {
        std::string lower = toLowerAscii(*q.rawPath);
        if (lower.find("%2f") != std::string::npos || lower.find("%5c") != std::string::npos
            || lower.find("%u") != std::string::npos)
            return "path '" + *q.rawPath + "' encodes a slash or backslash (or uses %u escapes); " + rule
                + " allows only paths in normal form";
    }
    for (const auto &p : r.paths)
        if (http::pathGlobMatches(p, path))
            return std::nullopt;
    std::string list;
    for (const auto &p : r.paths)
        list += (list.empty() ? "" : ", ") + p;
    return "path '" + path + "' is not allowed by " + rule + " (paths: " + list + ")";
}

EgressVerdict NetworkLayer::decide(const EgressQuery &q, const SessionState &session) const
{
    EgressVerdict v;
    const std::string host = net::normalizeHost(q.host);
    const auto literal = net::parseIpLenient(host);

    // Resolution the runtime would do: a literal address, the hosts map, or
    // (for eval) the address the request carries.
    std::optional<net::IpAddress> ip = literal;
    if (!ip)
        if (auto s = staticAddress(host))
            ip = net::parseIp(*s);
    const bool answered = !ip && q.ip; // the address came from a DNS answer
    if (answered)
        ip = net::parseIpLenient(*q.ip);
    if (ip)
        v.resolvedIp = ip->toString();

    int allowing = -1;
    HostMatch how = HostMatch::None;
    std::string nearMiss;
    std::optional<std::string> requestRefused;
    int requestRule = -1;
    std::optional<std::string> tunnelRefused;
    int tunnelRule = -1;
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        const Rule &r = m_rules[i];
        HostMatch best = HostMatch::None;
        for (const auto &p : r.hosts) {
            const auto m = match(p, host, ip);
            if (m == HostMatch::Exact) {
                best = m;
                break;
            }
            if (m != HostMatch::None)
                best = m;
        }
        if (best == HostMatch::None)
            continue;
        const bool toolOk = r.tool == q.identity || r.tool == "*";
        const bool portOk = std::find(r.ports.begin(), r.ports.end(), q.port) != r.ports.end();
        const bool protoOk = protocolName(r.protocol) == q.protocol;
        if (toolOk && portOk && protoOk) {
            // For one HTTP request, a rule whose methods or paths refuse it
            // is passed over: rules for one host are alternatives, and the
            // first refusal is the reason when no later rule allows.
            if (auto why = requestRefusal(r, static_cast<int>(i), q)) {
                if (!requestRefused) {
                    requestRefused = std::move(why);
                    requestRule = static_cast<int>(i);
                }
                continue;
            }
            // A rule naming the host exactly wins over an earlier pattern:
            // it is the more specific statement (and the only one that may
            // let a private address through).
            if (allowing < 0 || (how != HostMatch::Exact && best == HostMatch::Exact)) {
                allowing = static_cast<int>(i);
                how = best;
            }
            if (how == HostMatch::Exact)
                break;
            continue;
        }
        // A rule that reads this tool's requests to this host and port
        // cannot be stepped around by asking for a tcp or smtp tunnel there
        // instead (which default_policy allow-all would let through unread).
        if (toolOk && portOk && !protoOk && r.inspected
            && (q.protocol == "tcp" || q.protocol == "smtp") && !tunnelRefused) {
            tunnelRefused = "rule " + std::to_string(i) + " reads the " + std::string(protocolName(r.protocol))
                + " requests of '" + q.identity + "' to " + host + ":" + std::to_string(q.port) + "; a "
                + q.protocol + " tunnel there would pass them unread";
            tunnelRule = static_cast<int>(i);
        }
        if (nearMiss.empty()) {
            if (!toolOk)
                nearMiss = "rule " + std::to_string(i) + " allows " + host + " for '" + r.tool + "' only";
            else if (!portOk)
                nearMiss = "rule " + std::to_string(i) + " allows " + host + " on other ports";
            else
                nearMiss = "rule " + std::to_string(i) + " allows " + host + " over " + std::string(protocolName(r.protocol)) + " only";
        }
    }

    const std::string what = "'" + q.identity + "' to " + host + ":" + std::to_string(q.port) + " (" + q.protocol + ")";
    if (allowing >= 0) {
        const Rule &r = m_rules[static_cast<std::size_t>(allowing)];
        v.rule = allowing;
        if (r.maxRequestBytes && q.requestBytes > *r.maxRequestBytes) {
            v.reason = "request of " + std::to_string(q.requestBytes) + " bytes exceeds max_request_size_kb of rule "
                + std::to_string(allowing);
            return v;
        }
        if (r.rate) {
            const auto used = session.egressInWindow(q.identity, allowing, q.ts, static_cast<double>(r.rate->windowSeconds));
            if (used >= r.rate->count) {
                v.reason = "rate limit " + r.rate->text + " of rule " + std::to_string(allowing) + " exceeded ("
                    + std::to_string(used) + " connections in the window)";
                return v;
            }
        }
    } else if (tunnelRefused) {
        v.rule = tunnelRule;
        v.reason = std::move(*tunnelRefused);
        return v;
    } else if (requestRefused) {
        // A rule names this destination but none of them allows the request,
        // whatever default_policy says.
        v.rule = requestRule;
        v.reason = std::move(*requestRefused);
        return v;
    } else if (m_config.defaultPolicy == DefaultPolicy::DenyAll) {
        v.reason = "no rule allows " + what + "; default_policy deny-all" + (nearMiss.empty() ? "" : " (" + nearMiss + ")");
        return v;
    } else if (m_config.dnsFiltering && !literal && !staticAddress(host)) {
        v.reason = "dns_filtering: no rule allows '" + host + "', so the name is never resolved";
        return v;
    }

    if (m_config.blockPrivateRanges && ip) {
        const auto cls = net::classify(*ip);
        if (net::isBlockedByPrivateRanges(cls) && how != HostMatch::Exact) {
            v.reason = "destination " + ip->toString() + " is " + std::string(net::addressClassName(cls))
                + "; block_private_ranges refuses it before connecting"
                + (allowing >= 0 ? " (rule " + std::to_string(allowing) + " allows the host only through a pattern)" : "");
            return v;
        }
    }
    // Whoever controls a name's DNS chooses its answer: a name reaches this
    // host, its link or a cloud metadata service only through the policy's
    // hosts map, whatever the rules and block_private_ranges say.
    if (answered && ip) {
        const auto cls = net::classify(*ip);
        const bool metadata = net::isCloudMetadata(*ip);
        if (metadata || cls == net::AddressClass::Loopback || cls == net::AddressClass::LinkLocal
            || cls == net::AddressClass::Unspecified) {
            v.reason = "destination " + ip->toString() + " (the DNS answer for " + host + ") is "
                + (metadata ? std::string("a cloud metadata address") : std::string(net::addressClassName(cls)))
                + "; a name reaches loopback, link-local and metadata addresses only through the policy's hosts map";
            return v;
        }
    }
    v.allowed = true;
    v.reason = allowing >= 0 ? "rule " + std::to_string(allowing) + " allows " + what
                             : "no rule names " + what + "; default_policy allow-all";
    return v;
}

} // namespace osh
