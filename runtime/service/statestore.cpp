#include "statestore.h"

#include "staterows.h"

#include "audit/auditstore.h"
#include "model/policy.h"
#include "util/secretfile.h"

#include <QByteArray>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

namespace osh::service {

using runtime::AgentStateStore;
using runtime::StateCaller;
using Status = AgentStateStore::Status;

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr const char *kSealVersion = "v1:";
constexpr const char *kKeyRule = "a key is 1 to 200 characters of letters, digits and . _ : @ - (not . or .. alone)";

AgentStateStore::Result status(Status s, std::string message = {})
{
    AgentStateStore::Result r;
    r.status = s;
    r.message = std::move(message);
    return r;
}

// A folder that is root's alone (created 0700 when missing).
bool privateFolder(const std::string &path, std::string *error)
{
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        *error = "cannot create " + path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        *error = path + " is not a folder";
        return false;
    }
    if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
        *error = path + " must belong to uid " + std::to_string(::geteuid()) + " with mode 0700 (it holds the state's keys)";
        return false;
    }
    return true;
}

// The additional data a value is sealed with: what it is the value of
// (the store names its owner and agent).
std::string associatedData(const std::string &store, const std::string &key)
{
    std::string ad = "openshell-state/1";
    ad += '\0';
    ad += store;
    ad += '\0';
    ad += key;
    return ad;
}

struct CipherCtx
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

const unsigned char *bytes(const std::string &s) { return reinterpret_cast<const unsigned char *>(s.data()); }

} // namespace

std::unique_ptr<EncryptedStateStore> EncryptedStateStore::open(const std::string &dir, std::string *error)
{
    return open(dir, {}, {}, error);
}

std::unique_ptr<EncryptedStateStore> EncryptedStateStore::open(const std::string &dir, const std::string &sharedStore,
                                                               const std::string &host, std::string *error)
{
    if (!privateFolder(dir, error) || !privateFolder(dir + "/keys", error))
        return nullptr;
    std::unique_ptr<EncryptedStateStore> s(new EncryptedStateStore);
    s->m_dir = dir;
    s->m_rows = sharedStore.empty() ? StateRows::openSqlite(dir + "/state.db", *error)
                                    : StateRows::openPostgres(sharedStore, host, *error);
    if (!s->m_rows)
        return nullptr;
    return s;
}

EncryptedStateStore::~EncryptedStateStore()
{
    for (auto &[agent, key] : m_keys)
        OPENSSL_cleanse(key.data(), key.size());
}

void EncryptedStateStore::forgetKey(const std::string &store)
{
    if (const auto it = m_keys.find(store); it != m_keys.end()) {
        OPENSSL_cleanse(it->second.data(), it->second.size());
        m_keys.erase(it);
    }
    std::string file = store;
    std::replace(file.begin(), file.end(), '/', '-');
    ::unlink((m_dir + "/keys/" + file + ".key").c_str());
}

bool EncryptedStateStore::snapshotKey(std::string &key, std::string &error)
{
    std::lock_guard lock(m_lock);
    return storeKey("_snapshots", true, key, error);
}

bool EncryptedStateStore::validKey(const std::string &key)
{
    // "." and ".." are not keys: in a URL's path they mean something else.
    return !key.empty() && key.size() <= 200 && key != "." && key != ".." && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':'
            || c == '@' || c == '-';
    });
}

AgentStateStore::Result EncryptedStateStore::access(const std::string &agent, const StateCaller &caller, bool create)
{
    if (!PolicyDocument::isAgentName(agent))
        return status(Status::Invalid, "an agent's name matches [a-z0-9][a-z0-9_-]* (at most 64 characters)");
    if (!caller.agents.empty() && std::find(caller.agents.begin(), caller.agents.end(), agent) == caller.agents.end())
        return status(Status::Forbidden, "this token may use the state of other agents, not of " + agent);
    const uid_t owner = caller.owner.value_or(caller.uid);
    if (owner != caller.uid && !caller.root)
        return status(Status::Forbidden, "only root may use another user's state");
    Result r = status(Status::Ok);
    r.store = std::to_string(owner) + "/" + agent;
    std::string why;
    bool exists = false;
    if (!m_rows->storeExists(r.store, exists, why))
        return status(Status::Error, why);
    if (exists)
        return r;
    if (!create)
        return status(Status::NotFound, "agent " + agent + " has no state of uid " + std::to_string(owner));
    long long stores = 0;
    if (!m_rows->storesOf(owner, stores, why))
        return status(Status::Error, why);
    if (stores >= kMaxStoresPerUser)
        return status(Status::Full, "uid " + std::to_string(owner) + " already keeps the state of " + std::to_string(kMaxStoresPerUser)
                                        + " agents");
    if (!m_rows->createStore(r.store, owner, agent, AuditStore::now(), why))
        return status(Status::Error, "cannot create the store of " + agent + ": " + why);
    return r;
}

AgentStateStore::Result EncryptedStateStore::existingKey(const std::string &agent, const std::string &key, const StateCaller &caller)
{
    if (!validKey(key))
        return status(Status::Invalid, kKeyRule);
    Result r = access(agent, caller, false);
    return r.status == Status::NotFound ? status(Status::NotFound, "no key " + key + " in the state of " + agent) : r;
}

bool EncryptedStateStore::storeKey(const std::string &store, bool create, std::string &key, std::string &error)
{
    if (const auto it = m_keys.find(store); it != m_keys.end()) {
        key = it->second;
        return true;
    }
    // "UID/AGENT" names keys/UID-AGENT.key (a uid has no "-", a name no "/").
    std::string file = store;
    std::replace(file.begin(), file.end(), '/', '-');
    const std::string path = m_dir + "/keys/" + file + ".key";
    std::string read;
    if (!readOrCreateSecret(path, kKeyBytes, create, read, error))
        return false;
    key = m_keys[store] = read;
    OPENSSL_cleanse(read.data(), read.size());
    return true;
}

std::string EncryptedStateStore::seal(const std::string &storeKey, const std::string &store, const std::string &key,
                                      const std::string &plain)
{
    std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    if (RAND_bytes(o, kNonceBytes) != 1)
        return {};
    const std::string ad = associatedData(store, key);
    CipherCtx c;
    int len = 0;
    int total = 0;
    if (!c.ctx || EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1
        || EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1
        || EVP_EncryptInit_ex(c.ctx, nullptr, nullptr, bytes(storeKey), o) != 1
        || EVP_EncryptUpdate(c.ctx, nullptr, &len, bytes(ad), static_cast<int>(ad.size())) != 1
        || EVP_EncryptUpdate(c.ctx, o + kNonceBytes, &len, bytes(plain), static_cast<int>(plain.size())) != 1)
        return {};
    total = len;
    if (EVP_EncryptFinal_ex(c.ctx, o + kNonceBytes + total, &len) != 1)
        return {};
    total += len;
    if (EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), o + kNonceBytes + total) != 1)
        return {};
    return kSealVersion + QByteArray::fromRawData(out.data(), static_cast<qsizetype>(out.size())).toBase64().toStdString();
}

bool EncryptedStateStore::unseal(const std::string &storeKey, const std::string &store, const std::string &key,
                                 const std::string &sealed, std::string &plain)
{
    if (sealed.rfind(kSealVersion, 0) != 0)
        return false;
    const QByteArray raw = QByteArray::fromBase64(QByteArray::fromStdString(sealed.substr(std::strlen(kSealVersion))));
    if (raw.size() < static_cast<qsizetype>(kNonceBytes + kTagBytes))
        return false;
    const auto *r = reinterpret_cast<const unsigned char *>(raw.constData());
    const int bodyLen = static_cast<int>(raw.size() - kNonceBytes - kTagBytes);
    const std::string ad = associatedData(store, key);
    plain.assign(static_cast<std::size_t>(bodyLen), '\0');
    auto *p = reinterpret_cast<unsigned char *>(plain.data());
    CipherCtx c;
    int len = 0;
    std::string tag(reinterpret_cast<const char *>(r + kNonceBytes + bodyLen), kTagBytes);
    const bool ok = c.ctx && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1
        && EVP_DecryptInit_ex(c.ctx, nullptr, nullptr, bytes(storeKey), r) == 1
        && EVP_DecryptUpdate(c.ctx, nullptr, &len, bytes(ad), static_cast<int>(ad.size())) == 1
        && EVP_DecryptUpdate(c.ctx, p, &len, r + kNonceBytes, bodyLen) == 1
        && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) == 1
        && EVP_DecryptFinal_ex(c.ctx, p + len, &len) == 1; // checks the tag
    if (!ok) {
        OPENSSL_cleanse(plain.data(), plain.size());
        plain.clear();
    }
    return ok;
}

AgentStateStore::Result EncryptedStateStore::get(const std::string &agent, const std::string &key, const StateCaller &caller)
{
    std::lock_guard lock(m_lock);
    Result r = existingKey(agent, key, caller);
    if (r.status != Status::Ok)
        return r;
    std::string why;
    std::optional<std::string> sealed;
    if (!m_rows->item(r.store, key, sealed, why))
        return status(Status::Error, why);
    if (!sealed)
        return status(Status::NotFound, "no key " + key + " in the state of " + agent);
    std::string k;
    const bool opened = storeKey(r.store, false, k, why) && unseal(k, r.store, key, *sealed, r.valueJson);
    OPENSSL_cleanse(k.data(), k.size());
    if (!opened)
        return status(Status::Error, why.empty() ? "the stored value of " + key
                                                       + " does not decrypt: it was altered, or moved from another key, agent or user"
                                                 : why);
    return r;
}

AgentStateStore::Result EncryptedStateStore::put(const std::string &agent, const std::string &key, const std::string &valueJson,
                                                 const StateCaller &caller)
{
    if (!validKey(key))
        return status(Status::Invalid, kKeyRule);
    if (valueJson.size() > kMaxValueBytes)
        return status(Status::Full, "a value is at most 1 MiB of JSON");
    std::lock_guard lock(m_lock);
    std::string why;
    if (!m_rows->begin(why))
        return status(Status::Error, why);
    struct Tx
    {
        StateRows &rows;
        bool done = false;
        ~Tx()
        {
            if (!done)
                rows.rollback();
        }
    } tx{*m_rows};
    Result r = access(agent, caller, true);
    if (r.status != Status::Ok)
        return r;
    long long count = 0, bytes = 0;
    if (!m_rows->usage(r.store, key, count, bytes, why))
        return status(Status::Error, why);
    if (count >= kMaxKeys)
        return status(Status::Full, "the state of " + agent + " holds " + std::to_string(kMaxKeys) + " keys; delete some first");
    if (bytes + static_cast<long long>(valueJson.size()) > kMaxStoreBytes)
        return status(Status::Full, "the state of " + agent + " would pass " + std::to_string(kMaxStoreBytes >> 20) + " MiB; delete some first");
    std::string k;
    if (!storeKey(r.store, true, k, why))
        return status(Status::Error, why);
    const std::string sealed = seal(k, r.store, key, valueJson);
    OPENSSL_cleanse(k.data(), k.size());
    if (sealed.empty())
        return status(Status::Error, "the value could not be encrypted");
    if (!m_rows->putItem(r.store, key, sealed, AuditStore::now(), why) || !m_rows->commit(why))
        return status(Status::Error, "cannot store " + key + ": " + why);
    tx.done = true;
    return r;
}

AgentStateStore::Result EncryptedStateStore::remove(const std::string &agent, const std::string &key, const StateCaller &caller)
{
    std::lock_guard lock(m_lock);
    Result r = existingKey(agent, key, caller);
    if (r.status != Status::Ok)
        return r;
    std::string why;
    bool removed = false;
    if (!m_rows->removeItem(r.store, key, removed, why))
        return status(Status::Error, why);
    if (!removed)
        return status(Status::NotFound, "no key " + key + " in the state of " + agent);
    // A store without keys is gone: it no longer counts against its user.
    bool dropped = false;
    if (m_rows->dropIfEmpty(r.store, dropped, why) && dropped)
        forgetKey(r.store);
    return r;
}

AgentStateStore::Result EncryptedStateStore::keys(const std::string &agent, const std::string &prefix, const StateCaller &caller)
{
    if (prefix.size() > 200)
        return status(Status::Invalid, "a prefix is at most 200 characters");
    std::lock_guard lock(m_lock);
    Result r = access(agent, caller, false);
    if (r.status == Status::NotFound)
        return status(Status::Ok); // no state yet: no keys
    if (r.status != Status::Ok)
        return r;
    std::string why;
    if (!m_rows->keys(r.store, prefix, r.keys, why))
        return status(Status::Error, why);
    return r;
}

} // namespace osh::service
