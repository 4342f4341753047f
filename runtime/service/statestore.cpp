#include "statestore.h"

#include "audit/auditstore.h"
#include "audit/sqlitedb.h"
#include "audit/sqlitestmt.h"
#include "model/policy.h"
#include "util/secretfile.h"

#include <QByteArray>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sqlite3.h>
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
    if (!privateFolder(dir, error) || !privateFolder(dir + "/keys", error))
        return nullptr;
    const std::string path = dir + "/state.db";
    // The file first, 0600, so SQLite never creates it with the umask's mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = "cannot open " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    ::close(fd);
    std::unique_ptr<EncryptedStateStore> s(new EncryptedStateStore);
    s->m_dir = dir;
    s->m_db = std::make_unique<audit::SqliteDb>();
    std::string why;
    if (!s->m_db->open(path, false, why)
        || !s->m_db->exec("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
                          // store: "UID/AGENT", every user's own per agent name
                          "CREATE TABLE IF NOT EXISTS agent_stores(store TEXT PRIMARY KEY, owner_uid INTEGER NOT NULL,"
                          " agent TEXT NOT NULL, created REAL NOT NULL);"
                          // size before sealed: summing sizes never reads the values
                          "CREATE TABLE IF NOT EXISTS agent_items(store TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL,"
                          " sealed TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY(store, key));"
                          // a first layout, keyed by agent name alone, is not kept
                          "DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS stores;",
                          why)) {
        *error = "the state store " + path + ": " + why;
        return nullptr;
    }
    return s;
}

EncryptedStateStore::~EncryptedStateStore()
{
    for (auto &[agent, key] : m_keys)
        OPENSSL_cleanse(key.data(), key.size());
}

std::string EncryptedStateStore::databasePath() const { return m_dir + "/state.db"; }

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
    audit::SqliteStmt q;
    if (!q.prepare(m_db->handle(), "SELECT 1 FROM agent_stores WHERE store = ?", why))
        return status(Status::Error, why);
    q.bindText(1, r.store);
    if (q.step() == SQLITE_ROW)
        return r;
    if (!create)
        return status(Status::NotFound, "agent " + agent + " has no state of uid " + std::to_string(owner));
    long long stores = 0;
    audit::SqliteStmt n;
    if (!n.prepare(m_db->handle(), "SELECT COUNT(*) FROM agent_stores WHERE owner_uid = ?", why))
        return status(Status::Error, why);
    n.bindInt(1, static_cast<std::int64_t>(owner));
    if (n.step() == SQLITE_ROW)
        stores = n.int64(0);
    if (stores >= kMaxStoresPerUser)
        return status(Status::Full, "uid " + std::to_string(owner) + " already keeps the state of " + std::to_string(kMaxStoresPerUser)
                                        + " agents");
    audit::SqliteStmt ins;
    if (!ins.prepare(m_db->handle(), "INSERT INTO agent_stores(store, owner_uid, agent, created) VALUES(?, ?, ?, ?)", why))
        return status(Status::Error, why);
    ins.bindText(1, r.store);
    ins.bindInt(2, static_cast<std::int64_t>(owner));
    ins.bindText(3, agent);
    ins.bindReal(4, AuditStore::now());
    if (ins.step() != SQLITE_DONE)
        return status(Status::Error, "cannot create the store of " + agent + ": " + m_db->errorMessage());
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
    audit::SqliteStmt q;
    if (!q.prepare(m_db->handle(), "SELECT sealed FROM agent_items WHERE store = ? AND key = ?", why))
        return status(Status::Error, why);
    q.bindText(1, r.store);
    q.bindText(2, key);
    if (q.step() != SQLITE_ROW)
        return status(Status::NotFound, "no key " + key + " in the state of " + agent);
    std::string k;
    const bool opened = storeKey(r.store, false, k, why) && unseal(k, r.store, key, q.text(0), r.valueJson);
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
    if (!m_db->exec("BEGIN IMMEDIATE", why))
        return status(Status::Error, why);
    struct Tx
    {
        audit::SqliteDb &db;
        bool done = false;
        ~Tx()
        {
            if (!done)
                db.rollbackQuietly();
        }
    } tx{*m_db};
    Result r = access(agent, caller, true);
    if (r.status != Status::Ok)
        return r;
    long long count = 0, bytes = 0;
    audit::SqliteStmt n;
    if (!n.prepare(m_db->handle(), "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM agent_items WHERE store = ? AND key != ?", why))
        return status(Status::Error, why);
    n.bindText(1, r.store);
    n.bindText(2, key);
    if (n.step() == SQLITE_ROW) {
        count = n.int64(0);
        bytes = n.int64(1);
    }
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
    audit::SqliteStmt up;
    if (!up.prepare(m_db->handle(), "INSERT INTO agent_items(store, key, size, sealed, updated) VALUES(?, ?, ?, ?, ?) "
                                    "ON CONFLICT(store, key) DO UPDATE SET size = excluded.size, sealed = excluded.sealed, "
                                    "updated = excluded.updated",
                    why))
        return status(Status::Error, why);
    up.bindText(1, r.store);
    up.bindText(2, key);
    up.bindInt(3, static_cast<std::int64_t>(sealed.size()));
    up.bindText(4, sealed);
    up.bindReal(5, AuditStore::now());
    if (up.step() != SQLITE_DONE || !m_db->exec("COMMIT", why))
        return status(Status::Error, "cannot store " + key + ": " + (why.empty() ? m_db->errorMessage() : why));
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
    audit::SqliteStmt del;
    if (!del.prepare(m_db->handle(), "DELETE FROM agent_items WHERE store = ? AND key = ?", why))
        return status(Status::Error, why);
    del.bindText(1, r.store);
    del.bindText(2, key);
    if (del.step() != SQLITE_DONE)
        return status(Status::Error, m_db->errorMessage());
    if (sqlite3_changes(m_db->handle()) == 0)
        return status(Status::NotFound, "no key " + key + " in the state of " + agent);
    // A store without keys is gone: it no longer counts against its user.
    audit::SqliteStmt drop;
    if (drop.prepare(m_db->handle(), "DELETE FROM agent_stores WHERE store = ? AND NOT EXISTS "
                                     "(SELECT 1 FROM agent_items WHERE store = ?)",
                     why)) {
        drop.bindText(1, r.store);
        drop.bindText(2, r.store);
        if (drop.step() == SQLITE_DONE && sqlite3_changes(m_db->handle()) > 0)
            forgetKey(r.store);
    }
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
    audit::SqliteStmt q;
    // substr, not LIKE: a prefix's % and _ are text here.
    if (!q.prepare(m_db->handle(), "SELECT key FROM agent_items WHERE store = ? AND substr(key, 1, ?) = ? ORDER BY key", why))
        return status(Status::Error, why);
    q.bindText(1, r.store);
    q.bindInt(2, static_cast<std::int64_t>(prefix.size()));
    q.bindText(3, prefix);
    while (q.step() == SQLITE_ROW)
        r.keys.push_back(q.text(0));
    return r;
}

} // namespace osh::service
