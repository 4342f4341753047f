#pragma once
// A prepared statement, reset and re-bound for each use. Index arguments are
// 1-based for binds (as SQLite) and 0-based for columns.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace osh::audit {

class SqliteStmt
{
public:
    SqliteStmt() = default;
    ~SqliteStmt();
    SqliteStmt(SqliteStmt &&other) noexcept;
    SqliteStmt &operator=(SqliteStmt &&other) noexcept;
    SqliteStmt(const SqliteStmt &) = delete;
    SqliteStmt &operator=(const SqliteStmt &) = delete;

    bool prepare(sqlite3 *db, std::string_view sql, std::string &error);
    bool isPrepared() const { return m_stmt != nullptr; }

    void reset(); // also clears bindings
    // Distinct names on purpose: overloads on int64/double/bool bind the
    // wrong type silently after an innocent literal change.
    void bindText(int index, std::string_view text);
    void bindInt(int index, std::int64_t v);
    void bindReal(int index, double v);
    void bindNull(int index);
    void bindReal(int index, const std::optional<double> &v);
    void bindInt(int index, const std::optional<int> &v);
    // Uids and the like: the whole unsigned 32-bit range, NULL when empty.
    void bindUint32(int index, const std::optional<std::uint32_t> &v);

    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step();

    bool isNull(int column) const;
    std::string text(int column) const;
    // Valid until the next step() or reset(): no copy, for bulk scans.
    std::string_view textView(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::optional<double> optReal(int column) const;
    std::optional<int> optInt(int column) const;
    // Empty for NULL and for a value outside the unsigned 32-bit range.
    std::optional<std::uint32_t> optUint32(int column) const;

private:
    sqlite3_stmt *m_stmt = nullptr;
};

} // namespace osh::audit
