#include "sqlitedb.h"

#include <sqlite3.h>

namespace osh::audit {

SqliteDb::~SqliteDb()
{
    close();
}

bool SqliteDb::open(const std::string &path, bool create, std::string &error)
{
    close();
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        error = describeSqliteError(rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return false;
    }
    sqlite3_extended_result_codes(db, 1);
    m_db = db;
    return true;
}

void SqliteDb::close()
{
    if (m_db) {
        // close_v2 defers the close until every statement is finalised, so a
        // statement outliving its connection object cannot crash.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool SqliteDb::exec(std::string_view sql, std::string &error)
{
    char *msg = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
        error = describeSqliteError(sqlite3_extended_errcode(m_db), msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

namespace {

// Runs sql and hands its first row to read; false when there is no row.
template<typename Read>
bool firstRow(sqlite3 *db, std::string_view sql, std::string &error, Read read)
{
    sqlite3_stmt *st = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
    if (rc != SQLITE_OK) {
        error = describeSqliteError(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
        return false;
    }
    rc = sqlite3_step(st);
    bool ok = false;
    if (rc == SQLITE_ROW) {
        read(st);
        ok = true;
    } else if (rc == SQLITE_DONE) {
        error = "no result";
    } else {
        error = describeSqliteError(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return ok;
}

} // namespace

bool SqliteDb::queryInt(std::string_view sql, long long &out, std::string &error)
{
    return firstRow(m_db, sql, error, [&](sqlite3_stmt *st) { out = sqlite3_column_int64(st, 0); });
}

bool SqliteDb::queryText(std::string_view sql, std::string &out, std::string &error)
{
    return firstRow(m_db, sql, error, [&](sqlite3_stmt *st) {
        const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
        out = t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(st, 0))) : std::string();
    });
}

int SqliteDb::errorCode() const
{
    return m_db ? sqlite3_extended_errcode(m_db) : SQLITE_MISUSE;
}

std::string SqliteDb::errorMessage() const
{
    return m_db ? describeSqliteError(sqlite3_extended_errcode(m_db), sqlite3_errmsg(m_db)) : "database is not open";
}

bool SqliteDb::inTransaction() const
{
    return m_db && sqlite3_get_autocommit(m_db) == 0;
}

void SqliteDb::rollbackQuietly()
{
    if (inTransaction())
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::string describeSqliteError(int code, std::string_view message)
{
    std::string what;
    switch (code & 0xff) {
    case SQLITE_FULL: what = "the disk is full"; break;
    case SQLITE_BUSY: what = "the database is locked by another process"; break;
    case SQLITE_LOCKED: what = "the database is locked"; break;
    case SQLITE_CORRUPT: what = "the database file is corrupt"; break;
    case SQLITE_NOTADB: what = "the file is not an SQLite database"; break;
    case SQLITE_READONLY: what = "the database is read-only"; break;
    case SQLITE_CANTOPEN: what = "the database file cannot be opened"; break;
    case SQLITE_IOERR: what = "an I/O error occurred"; break;
    case SQLITE_PERM: what = "permission denied"; break;
    default: break;
    }
    std::string out = what;
    if (!message.empty()) {
        if (!out.empty())
            out += " (";
        out += message;
        if (!what.empty())
            out += ')';
    }
    if (out.empty())
        out = sqlite3_errstr(code);
    return out;
}

} // namespace osh::audit
