#pragma once
// Where a forwarder (forwarder.h) reads the events it delivers, in commit
// order, by their ids in the store:
//   - an SQLite store: every event, through the forwarder's own connection
//     (WAL: it sees each committed transaction and blocks no writer);
//   - a PostgreSQL store several hosts share: this host's sessions' events
//     only. Each host forwards its own. Ids come from one sequence for all
//     hosts, so they interleave and a transaction of one host may commit
//     after a later id of another; a host's own events are written by its
//     one writer, one transaction after the other, so among them the order
//     of ids is the order of commits and a cursor skips nothing. The
//     service's writer holds the host name alone
//     (AuditStore::Options::soleWriter): a second service, or a run of
//     osctl writing under that name, is refused.

#include "audit/auditevent.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace osh::service {

class ForwardSource
{
public:
    // Where a source may stop counting: count() is then "at least" this many.
    static constexpr std::int64_t kCountLimit = 1000000;

    virtual ~ForwardSource() = default;

    // The newest event's id and chain value; 0 and "" without events.
    virtual bool head(std::int64_t &id, std::string &chain, std::string &error) = 0;
    // The first event's chain value, "" without events (which store a cursor belongs to).
    virtual bool first(std::string &chain, std::string &error) = 0;
    // The chain value of event id; nullopt when there is no such event.
    virtual bool chainAt(std::int64_t id, std::optional<std::string> &chain, std::string &error) = 0;
    // The time of the oldest event after id, 0 when none: one indexed row,
    // cheap enough to read before every batch.
    virtual bool oldest(std::int64_t after, double &oldestTs, std::string &error) = 0;
    // How many events come after id. May be expensive (a PostgreSQL store
    // counts this host's rows, up to kCountLimit of them): the forwarder
    // runs it about once a second while it catches up (forwarder.cpp).
    virtual bool count(std::int64_t after, std::int64_t &count, std::string &error) = 0;
    // At most limit events after id, in order, each with its id, until visit returns false.
    virtual bool batch(std::int64_t after, int limit,
                       const std::function<bool(const AuditEvent &, std::int64_t)> &visit, std::string &error) = 0;
    // The policy commit a session recorded; nullopt when the session is unknown.
    virtual bool policyCommit(const std::string &sessionId, std::optional<std::string> &commit, std::string &error) = 0;

    // store: a file or a postgresql:// string; host: this host's name in a
    // PostgreSQL store (ignored for a file).
    static std::unique_ptr<ForwardSource> open(const std::string &store, const std::string &host, std::string &error);
};

} // namespace osh::service
