#pragma once
// Test helper: direct SQLite access, to build old or foreign databases by
// hand and to look at what the store wrote without going through it.

#include <sqlite3.h>

#include <string>

class RawDb
{
public:
    explicit RawDb(const std::string &path) { sqlite3_open(path.c_str(), &m_db); }
    ~RawDb() { sqlite3_close(m_db); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    // Returns the error message, empty on success.
    std::string exec(const std::string &sql)
    {
        char *msg = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &msg) == SQLITE_OK)
            return {};
        std::string e = msg ? msg : "error";
        sqlite3_free(msg);
        return e;
    }
    // The first column of the first row as text ("<none>" without a row).
    std::string text(const std::string &sql)
    {
        sqlite3_stmt *st = nullptr;
        std::string out = "<error>";
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
            const int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW)
                out = sqlite3_column_text(st, 0) ? reinterpret_cast<const char *>(sqlite3_column_text(st, 0)) : "";
            else if (rc == SQLITE_DONE)
                out = "<none>";
        }
        sqlite3_finalize(st);
        return out;
    }

private:
    sqlite3 *m_db = nullptr;
};
