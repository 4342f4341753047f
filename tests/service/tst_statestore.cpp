// The agents' state store: values sealed per agent and key, keys in
// root-only files, and who may use which store. Run twice: with the values
// in the host's SQLite file, and (tst_statestore_pg) in a shared PostgreSQL
// store under the host's name.

#include "../audit/storebackend.h"
#include "service/statestore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using osh::runtime::AgentStateStore;
using osh::runtime::StateCaller;
using osh::service::EncryptedStateStore;
using Status = AgentStateStore::Status;

namespace {

StateCaller user(uid_t uid, std::vector<std::string> agents = {})
{
    StateCaller c;
    c.uid = uid;
    c.agents = std::move(agents);
    return c;
}

} // namespace

class TestStateStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend;
    QString stateDir() const { return m_dir.filePath(QStringLiteral("state")); }
    std::unique_ptr<EncryptedStateStore> open(const std::string &host = "host-a")
    {
        std::string error;
        auto s = m_backend.isPostgres() ? EncryptedStateStore::open(stateDir().toStdString(), m_backend.store(), host, &error)
                                        : EncryptedStateStore::open(stateDir().toStdString(), &error);
        if (!s)
            qWarning("%s", error.c_str());
        return s;
    }
    // Runs SQL on the state's rows behind the store's back.
    void sql(const std::string &statement)
    {
        const std::string error = m_backend.isPostgres()
            ? m_backend.exec(statement)
            : RawDb(stateDir().toStdString() + "/state.db").exec(statement);
        QVERIFY2(error.empty(), error.c_str());
    }
    // The host column of PostgreSQL's rows (SQLite's have none).
    std::string host() const { return m_backend.isPostgres() ? ", host" : ""; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
    }

    void init()
    {
        QDir(stateDir()).removeRecursively();
        std::string error;
        QVERIFY2(m_backend.fresh(m_dir, error), error.c_str());
    }

    void roundTripAndNoPlaintextOnDisk()
    {
        auto s = open();
        QVERIFY(s);
        const std::string value = R"({"card":"4111111111111111","note":"plaintext-marker-7731"})";
        QCOMPARE(s->put("support-bot", "memory", value, user(1000)).status, Status::Ok);
        const auto r = s->get("support-bot", "memory", user(1000));
        QCOMPARE(r.status, Status::Ok);
        QCOMPARE(r.valueJson, value);
        s.reset(); // closes the database (its WAL is folded back)
        if (m_backend.isPostgres()) {
            QCOMPARE(m_backend.text("SELECT count(*) FROM agent_items"), std::string("1"));
            QCOMPARE(m_backend.text("SELECT count(*) FROM agent_items WHERE sealed LIKE '%plaintext-marker-7731%' "
                                    "OR sealed LIKE '%4111111111111111%'"),
                     std::string("0"));
        }
        for (const QString &name : QDir(stateDir()).entryList(QDir::Files)) {
            QFile f(QDir(stateDir()).filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.contains("plaintext-marker-7731"), qPrintable(name));
            QVERIFY2(!bytes.contains("4111111111111111"), qPrintable(name));
        }
        // A second opening reads it back with the key from its file.
        s = open();
        QCOMPARE(s->get("support-bot", "memory", user(1000)).valueJson, value);
    }

    void foldersAndKeyFilesAreRootsAlone()
    {
        auto s = open();
        QVERIFY(s);
        QCOMPARE(s->put("support-bot", "k", "1", user(1000)).status, Status::Ok);
        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(stateDir()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0700u);
        QCOMPARE(::stat(QFile::encodeName(stateDir() + QStringLiteral("/keys/1000-support-bot.key")).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        QCOMPARE(st.st_size, 32);
        if (!m_backend.isPostgres()) {
            QCOMPARE(::stat(QFile::encodeName(stateDir() + QStringLiteral("/state.db")).constData(), &st), 0);
            QCOMPARE(st.st_mode & 0777, 0600u);
        } else {
            QVERIFY(!QFileInfo::exists(stateDir() + QStringLiteral("/state.db")));
        }
        // A key file others could read is refused, not used.
        s.reset();
        ::chmod(QFile::encodeName(stateDir() + QStringLiteral("/keys/1000-support-bot.key")).constData(), 0644);
        s = open();
        const auto r = s->get("support-bot", "k", user(1000));
        QCOMPARE(r.status, Status::Error);
        QVERIFY(r.message.find("mode 0600") != std::string::npos);
    }

    void valueMovedToAnotherKeyOrAgentDoesNotDecrypt()
    {
        auto s = open();
        QVERIFY(s);
        QCOMPARE(s->put("support-bot", "a", R"("alpha")", user(1000)).status, Status::Ok);
        QCOMPARE(s->put("support-bot", "b", R"("beta")", user(1000)).status, Status::Ok);
        QCOMPARE(s->put("other-bot", "a", R"("gamma")", user(1000)).status, Status::Ok);
        s.reset();
        // b's sealed value under a's name, and support-bot's a under other-bot.
        sql("UPDATE agent_items SET sealed = (SELECT sealed FROM agent_items WHERE store='1000/support-bot' AND key='a') "
                "WHERE store='1000/support-bot' AND key='b'");
        sql("UPDATE agent_items SET sealed = (SELECT sealed FROM agent_items WHERE store='1000/support-bot' AND key='a') "
            "WHERE store='1000/other-bot' AND key='a'");
        s = open();
        QCOMPARE(s->get("support-bot", "a", user(1000)).valueJson, std::string(R"("alpha")"));
        QCOMPARE(s->get("support-bot", "b", user(1000)).status, Status::Error);
        QCOMPARE(s->get("other-bot", "a", user(1000)).status, Status::Error);
        // Another user's store of the same agent, its row and its key file
        // copied in: still not theirs to read (the store is in the data).
        s.reset();
        QVERIFY(QFile::copy(stateDir() + QStringLiteral("/keys/1000-support-bot.key"), stateDir() + QStringLiteral("/keys/1001-support-bot.key")));
        ::chmod(QFile::encodeName(stateDir() + QStringLiteral("/keys/1001-support-bot.key")).constData(), 0600);
        sql("INSERT INTO agent_stores(store, owner_uid, agent, created" + host() + ") SELECT '1001/support-bot', 1001, agent, "
            "created" + host() + " FROM agent_stores WHERE store='1000/support-bot'");
        sql("INSERT INTO agent_items(store, key, size, sealed, updated" + host() + ") SELECT '1001/support-bot', key, size, "
            "sealed, updated" + host() + " FROM agent_items WHERE store='1000/support-bot'");
        s = open();
        QCOMPARE(s->get("support-bot", "a", user(1001)).status, Status::Error);
    }

    void alteredByteIsDetected()
    {
        auto s = open();
        QCOMPARE(s->put("support-bot", "a", R"({"x":1})", user(1000)).status, Status::Ok);
        s.reset();
        // Flip one base64 character of the sealed text (past the "v1:" and the nonce).
        sql("UPDATE agent_items SET sealed = substr(sealed, 1, 30) || CASE substr(sealed, 31, 1) WHEN 'A' THEN 'B' ELSE 'A' END "
            "|| substr(sealed, 32)");
        s = open();
        const auto r = s->get("support-bot", "a", user(1000));
        QCOMPARE(r.status, Status::Error);
        QVERIFY(r.message.find("does not decrypt") != std::string::npos);
    }

    void everyUserHasTheirOwnStores()
    {
        auto s = open();
        QCOMPARE(s->put("support-bot", "a", "1", user(1000)).status, Status::Ok);
        QCOMPARE(s->get("support-bot", "a", user(1000)).status, Status::Ok);
        // uid 1001's support-bot is another store: nobody can claim a name
        // from another user, or read theirs.
        QCOMPARE(s->get("support-bot", "a", user(1001)).status, Status::NotFound);
        QCOMPARE(s->put("support-bot", "a", "2", user(1001)).status, Status::Ok);
        QCOMPARE(s->get("support-bot", "a", user(1000)).valueJson, std::string("1"));
        QCOMPARE(s->get("support-bot", "a", user(1001)).valueJson, std::string("2"));
        // Naming another owner takes root (or admin).
        StateCaller asOther = user(1001);
        asOther.owner = 1000;
        QCOMPARE(s->get("support-bot", "a", asOther).status, Status::Forbidden);
        StateCaller root = user(0);
        root.root = true;
        root.owner = 1000;
        QCOMPARE(s->get("support-bot", "a", root).valueJson, std::string("1"));
        // A token naming agents reaches only those (of its own uid).
        QCOMPARE(s->get("support-bot", "a", user(1000, {"support-bot"})).status, Status::Ok);
        QCOMPARE(s->get("support-bot", "a", user(1000, {"other-bot"})).status, Status::Forbidden);
        QCOMPARE(s->put("other-bot", "a", "1", user(1000, {"support-bot"})).status, Status::Forbidden);
        // Nothing yet: none, and no keys.
        QCOMPARE(s->get("new-bot", "a", user(1001)).status, Status::NotFound);
        const auto none = s->keys("new-bot", "", user(1001));
        QCOMPARE(none.status, Status::Ok);
        QVERIFY(none.keys.empty());
        // A user keeps at most kMaxStoresPerUser agents' state.
        for (int i = 0; i < EncryptedStateStore::kMaxStoresPerUser; ++i)
            QCOMPARE(s->put("bot-" + std::to_string(i), "k", "1", user(2000)).status, Status::Ok);
        QCOMPARE(s->put("one-more-bot", "k", "1", user(2000)).status, Status::Full);
        // A store whose last key is deleted is gone, key file and all.
        QCOMPARE(s->remove("bot-0", "k", user(2000)).status, Status::Ok);
        QVERIFY(!QFileInfo::exists(stateDir() + QStringLiteral("/keys/2000-bot-0.key")));
        QCOMPARE(s->put("one-more-bot", "k", "1", user(2000)).status, Status::Ok);
        QCOMPARE(s->get("one-more-bot", "k", user(2000)).valueJson, std::string("1"));
    }

    void keysPrefixDeleteAndLimits()
    {
        auto s = open();
        for (const char *k : {"user:1", "user:2", "user_3", "userX3", "cfg"})
            QCOMPARE(s->put("support-bot", k, "true", user(1000)).status, Status::Ok);
        auto r = s->keys("support-bot", "user:", user(1000));
        QCOMPARE(r.keys, (std::vector<std::string>{"user:1", "user:2"}));
        r = s->keys("support-bot", "user_", user(1000)); // _ is text, not LIKE's wildcard
        QCOMPARE(r.keys, (std::vector<std::string>{"user_3"}));
        QCOMPARE(s->remove("support-bot", "cfg", user(1000)).status, Status::Ok);
        QCOMPARE(s->remove("support-bot", "cfg", user(1000)).status, Status::NotFound);
        QCOMPARE(s->get("support-bot", "cfg", user(1000)).status, Status::NotFound);
        QCOMPARE(s->put("support-bot", "../etc", "1", user(1000)).status, Status::Invalid);
        QCOMPARE(s->put("support-bot", std::string(201, 'k'), "1", user(1000)).status, Status::Invalid);
        QCOMPARE(s->put("../x", "k", "1", user(1000)).status, Status::Invalid);
        QCOMPARE(s->put("Support", "k", "1", user(1000)).status, Status::Invalid);
        QCOMPARE(s->put("support-bot", "big", "\"" + std::string(EncryptedStateStore::kMaxValueBytes, 'x') + "\"", user(1000)).status,
                 Status::Full);
        // The key cap counts the other keys: overwriting at the cap is fine.
        s.reset();
        sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9996) "
            "INSERT INTO agent_items(store, key, size, sealed, updated" + host() + ") SELECT '1000/support-bot', 'filler' || i, 3, "
            "'v1:', 0" + (m_backend.isPostgres() ? ", 'host-a'" : "") + " FROM n");
        s = open();
        QCOMPARE(s->put("support-bot", "user:1", "false", user(1000)).status, Status::Ok);
        QCOMPARE(s->put("support-bot", "one-more", "1", user(1000)).status, Status::Full);
        // And at most kMaxStoreBytes in all.
        s.reset();
        sql("DELETE FROM agent_items WHERE key LIKE 'filler%'");
        s = open();
        const std::string big = "\"" + std::string(900 * 1024, 'x') + "\"";
        int stored = 0;
        while (s->put("support-bot", "big" + std::to_string(stored), big, user(1000)).status == Status::Ok)
            ++stored;
        QVERIFY2(stored > 40 && stored < 80, qPrintable(QString::number(stored))); // 64 MiB of sealed (base64) values
    }

    // In a shared PostgreSQL store each host's state is its own: another
    // host neither sees it nor, with its rows copied under its name, opens
    // it (its keys are its own).
    void hostsKeepTheirOwnState()
    {
        if (!m_backend.isPostgres())
            QSKIP("a host's SQLite file is its alone");
        auto a = open("host-a");
        QVERIFY(a);
        QCOMPARE(a->put("support-bot", "memory", R"("of host a")", user(1000)).status, Status::Ok);
        QCOMPARE(m_backend.text("SELECT count(*) FROM agent_items WHERE sealed LIKE '%of host a%'"), std::string("0"));
        // Host b, with a key folder of its own.
        std::string error;
        const std::string otherDir = m_dir.filePath(QStringLiteral("other")).toStdString();
        auto b = EncryptedStateStore::open(otherDir, m_backend.store(), "host-b", &error);
        QVERIFY2(b, error.c_str());
        QCOMPARE(b->get("support-bot", "memory", user(1000)).status, Status::NotFound);
        QVERIFY(b->keys("support-bot", "", user(1000)).keys.empty());
        QCOMPARE(b->put("support-bot", "memory", R"("of host b")", user(1000)).status, Status::Ok);
        QCOMPARE(a->get("support-bot", "memory", user(1000)).valueJson, std::string(R"("of host a")"));
        QCOMPARE(b->get("support-bot", "memory", user(1000)).valueJson, std::string(R"("of host b")"));
        // Host a's sealed value copied over host b's: it does not decrypt there.
        sql("UPDATE agent_items SET sealed = (SELECT sealed FROM agent_items WHERE host = 'host-a') WHERE host = 'host-b'");
        QCOMPARE(b->get("support-bot", "memory", user(1000)).status, Status::Error);
        // Deleting on one host leaves the other's.
        QCOMPARE(a->remove("support-bot", "memory", user(1000)).status, Status::Ok);
        QCOMPARE(m_backend.text("SELECT count(*) FROM agent_stores"), std::string("1"));
    }

    void folderOthersCanEnterIsRefused()
    {
        QVERIFY(QDir().mkpath(stateDir()));
        ::chmod(QFile::encodeName(stateDir()).constData(), 0755);
        std::string error;
        QVERIFY(!EncryptedStateStore::open(stateDir().toStdString(), &error));
        QVERIFY(error.find("0700") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestStateStore)
#include "tst_statestore.moc"
