#pragma once
// A thin RAII owner of one sqlite3 connection. The audit store keeps two
// (writer thread and readers); each is used by one thread at a time, so the
// connection is opened without SQLite's own mutex.

#include <string>
#include <string_view>

struct sqlite3;

namespace osh::audit {

class SqliteDb
{
public:
    SqliteDb() = default;
    ~SqliteDb();
    SqliteDb(const SqliteDb &) = delete;
    SqliteDb &operator=(const SqliteDb &) = delete;

    // Opens (creating the file when create is true). On failure returns false
    // and sets error; the object stays closed.
    bool open(const std::string &path, bool create, std::string &error);
    void close();
    bool isOpen() const { return m_db != nullptr; }
    sqlite3 *handle() const { return m_db; }

    // Runs one or more statements without results. On failure sets error to
    // "what: sqlite message" and returns false.
    bool exec(std::string_view sql, std::string &error);
    // Runs a query whose first row's first column is an integer (PRAGMA,
    // COUNT). Returns false on error or when there is no row.
    bool queryInt(std::string_view sql, long long &out, std::string &error);
    bool queryText(std::string_view sql, std::string &out, std::string &error);

    // The last error of this connection: extended code and message.
    int errorCode() const;
    std::string errorMessage() const;
    // Whether the connection is inside an open transaction.
    bool inTransaction() const;
    // Rolls back if a transaction is open; errors are ignored on purpose, a
    // failed rollback leaves nothing we could do better than retrying later.
    void rollbackQuietly();

private:
    sqlite3 *m_db = nullptr;
};

// A human explanation of an SQLite result code, with what it means for the
// audit store (full disk, locked, corrupt, not a database).
std::string describeSqliteError(int code, std::string_view message);

} // namespace osh::audit
