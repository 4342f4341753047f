#pragma once
// The network guardian's decision on one egress request (spec section 3),
// with the rules compiled once: host patterns split into exact names,
// wildcard suffixes, addresses and CIDRs. The runtime's proxy asks the same
// object, so `osctl eval` and enforcement cannot disagree.

#include "model/policy.h"
#include "util/netaddr.h"

#include <optional>
#include <string>
#include <vector>

namespace osh {

class SessionState;

struct EgressQuery
{
    std::string identity; // tool name or "agent", assigned by the runtime
    std::string host;     // as requested
    std::optional<std::string> ip; // the DNS answer's address, when known (literals and hosts entries win)
    int port = 0;
    std::string protocol; // https, http, tcp, smtp
    std::int64_t requestBytes = 0;
    double ts = 0;
    // One inspected HTTP request (null for a connection decided as a whole):
    // checked against the allowing rule's methods and paths.
    std::optional<std::string> method;
    std::optional<std::string> path;    // decoded
    std::optional<std::string> rawPath; // as sent, when known
    // A header that asks the origin for another method or path than the
    // request line's (X-HTTP-Method-Override, X-Original-URL, ...), if any.
    std::optional<std::string> overrideHeader;
};

struct EgressVerdict
{
    bool allowed = false;
    int rule = -1; // the rule that allowed (or whose limit refused)
    std::string reason;
    std::optional<std::string> resolvedIp; // the address the proxy may connect to
};

class NetworkLayer
{
public:
    explicit NetworkLayer(const NetworkGuardian &config);

    EgressVerdict decide(const EgressQuery &q, const SessionState &session) const;

    // The region a host or address belongs to (first region listing it), or empty.
    std::string regionOf(const std::string &host, const std::optional<net::IpAddress> &ip) const;
    // Static resolution through the policy's hosts map.
    std::optional<std::string> staticAddress(const std::string &host) const;

private:
    enum class HostMatch { None, Exact, Wildcard, Cidr };
    struct HostPattern
    {
        std::string name; // exact name, or the suffix after "*." for wildcards
        bool wildcard = false;
        std::optional<net::IpAddress> ip;
        std::optional<net::Cidr> cidr;
        bool any = false; // "*"
    };
    struct Rule
    {
        std::string tool;
        std::vector<HostPattern> hosts;
        std::vector<int> ports;
        Protocol protocol;
        std::optional<std::int64_t> maxRequestBytes;
        std::optional<RateLimit> rate;
        std::vector<std::string> methods; // empty: any
        std::vector<std::string> paths;   // empty: any
        bool inspected = false;           // http/https whose requests are read
    };
    // Why the rule refuses this HTTP request (method, path), or nullopt.
    static std::optional<std::string> requestRefusal(const Rule &r, int index, const EgressQuery &q);
    static HostPattern compilePattern(const std::string &text);
    static HostMatch match(const HostPattern &p, const std::string &host, const std::optional<net::IpAddress> &ip);

    const NetworkGuardian &m_config;
    std::vector<Rule> m_rules;
    std::vector<std::pair<std::string, std::vector<HostPattern>>> m_regions;
};

} // namespace osh
