#pragma once
// Agents' state, kept by openshelld between sessions (docs/sdk-python.md,
// "State"): JSON values by key, one store per user and agent name, in one
// SQLite file of the host or, with a shared PostgreSQL audit store, in that
// database under the host's name (staterows.h).
//
// Every value is sealed with AES-256-GCM (OpenSSL) under its store's own
// random key, which lives in a root-only file beside the database
// (keys/UID-AGENT.key, mode 0600 in a 0700 folder). The nonce is fresh for
// each write and the additional data names the store (owner and agent) and
// the key, so a value copied to another key, agent or user (or to another
// host, whose keys are its own) does not decrypt, and a changed byte is
// detected. The database alone discloses keys' names and values' sizes,
// never values.
//
// Who may use a store: its user (every user has their own store per agent
// name, so nobody can claim a name from another), and root. A token whose
// scopes name agents (agent:NAME) reaches only those agents' stores of its
// own uid.

#include "gateway/gatewayhooks.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace osh::service {

class StateRows;

class EncryptedStateStore : public runtime::AgentStateStore
{
public:
    // Opens (creating) the store in dir, a folder only root may enter.
    static std::unique_ptr<EncryptedStateStore> open(const std::string &dir, std::string *error);
    // The same with the sealed values kept in the PostgreSQL store the
    // hosts share (staterows.h), as this host's; the keys stay in dir.
    static std::unique_ptr<EncryptedStateStore> open(const std::string &dir, const std::string &sharedStore,
                                                     const std::string &host, std::string *error);
    ~EncryptedStateStore() override;

    Result get(const std::string &agent, const std::string &key, const runtime::StateCaller &caller) override;
    Result put(const std::string &agent, const std::string &key, const std::string &valueJson,
               const runtime::StateCaller &caller) override;
    Result remove(const std::string &agent, const std::string &key, const runtime::StateCaller &caller) override;
    Result keys(const std::string &agent, const std::string &prefix, const runtime::StateCaller &caller) override;

    static bool validKey(const std::string &key); // 1..200 of [A-Za-z0-9._:@-]
    static constexpr std::size_t kMaxValueBytes = 1u << 20;
    static constexpr int kMaxKeys = 10000;                       // per store
    static constexpr long long kMaxStoreBytes = 64ll << 20;      // sealed bytes per store
    static constexpr int kMaxStoresPerUser = 64;

    // The key session snapshots are sealed with (sealedfile.h): a store of
    // its own, keys/_snapshots.key (no agent's name starts with "_").
    bool snapshotKey(std::string &key, std::string &error);

private:
    EncryptedStateStore() = default;
    // Ok (with the store's id) or why not; create: a first write makes it.
    Result access(const std::string &agent, const runtime::StateCaller &caller, bool create);
    // A key of a store that exists, the caller may use (lock held).
    Result existingKey(const std::string &agent, const std::string &key, const runtime::StateCaller &caller);
    // The store's key, read from (or, with create, written to) its file.
    bool storeKey(const std::string &store, bool create, std::string &key, std::string &error);
    void forgetKey(const std::string &store); // a store that is gone: its key too
    std::string seal(const std::string &storeKey, const std::string &store, const std::string &key, const std::string &plain);
    bool unseal(const std::string &storeKey, const std::string &store, const std::string &key, const std::string &sealed,
                std::string &plain);

    std::mutex m_lock; // one connection, used under this lock
    std::string m_dir;
    std::unique_ptr<StateRows> m_rows;
    std::map<std::string, std::string> m_keys; // store -> key, cleansed at the end
};

} // namespace osh::service
