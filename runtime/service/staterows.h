#pragma once
// Where the agents' state store (statestore.h) keeps its rows: an SQLite
// file of the host, or the PostgreSQL database its hosts share
// (openshell.agent_stores and openshell.agent_items, pgschema.h). The rows
// hold sealed values only; the keys that open them stay in the host's own
// root-only folder, so a store kept in PostgreSQL is read by the host that
// wrote it and by nobody else (a uid names a user of one host, not of the
// fleet). In PostgreSQL every row carries that host's name.
//
// A store is "UID/AGENT". Every call is made under the state store's lock;
// begin() .. commit() makes one write's statements one transaction.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace osh::service {

class StateRows
{
public:
    virtual ~StateRows() = default;

    virtual bool begin(std::string &error) = 0;
    virtual bool commit(std::string &error) = 0;
    virtual void rollback() = 0;

    virtual bool storeExists(const std::string &store, bool &exists, std::string &error) = 0;
    virtual bool storesOf(uid_t owner, long long &count, std::string &error) = 0;
    virtual bool createStore(const std::string &store, uid_t owner, const std::string &agent, double created,
                             std::string &error) = 0;
    // The number of keys of a store and their sealed bytes, but for one key.
    virtual bool usage(const std::string &store, const std::string &exceptKey, long long &count, long long &bytes,
                       std::string &error) = 0;
    virtual bool putItem(const std::string &store, const std::string &key, const std::string &sealed, double updated,
                         std::string &error) = 0;
    // sealed is empty when the store has no such key.
    virtual bool item(const std::string &store, const std::string &key, std::optional<std::string> &sealed,
                      std::string &error) = 0;
    virtual bool removeItem(const std::string &store, const std::string &key, bool &removed, std::string &error) = 0;
    // Deletes the store when no key is left in it; dropped says whether it was.
    virtual bool dropIfEmpty(const std::string &store, bool &dropped, std::string &error) = 0;
    // The keys of a store that start with prefix (text, not a pattern), sorted.
    virtual bool keys(const std::string &store, const std::string &prefix, std::vector<std::string> &out,
                      std::string &error) = 0;

    // path: an SQLite file (created 0600 when missing).
    static std::unique_ptr<StateRows> openSqlite(const std::string &path, std::string &error);
    // conninfo: a postgresql:// store; host: this host's name in it.
    static std::unique_ptr<StateRows> openPostgres(const std::string &conninfo, const std::string &host,
                                                   std::string &error);
};

} // namespace osh::service
