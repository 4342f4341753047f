#include "sqlitestmt.h"

#include "sqlitedb.h"

#include <sqlite3.h>

#include <utility>

namespace osh::audit {

SqliteStmt::~SqliteStmt()
{
    sqlite3_finalize(m_stmt);
}

SqliteStmt::SqliteStmt(SqliteStmt &&other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)) {}

SqliteStmt &SqliteStmt::operator=(SqliteStmt &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

bool SqliteStmt::prepare(sqlite3 *db, std::string_view sql, std::string &error)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        error = describeSqliteError(sqlite3_extended_errcode(db), sqlite3_errmsg(db));
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return false;
    }
    return true;
}

void SqliteStmt::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

void SqliteStmt::bindText(int index, std::string_view text)
{
    // SQLITE_TRANSIENT: the caller's buffers may go away before step().
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void SqliteStmt::bindInt(int index, std::int64_t v)
{
    sqlite3_bind_int64(m_stmt, index, v);
}

void SqliteStmt::bindReal(int index, double v)
{
    sqlite3_bind_double(m_stmt, index, v);
}

void SqliteStmt::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

void SqliteStmt::bindReal(int index, const std::optional<double> &v)
{
    if (v)
        bindReal(index, *v);
    else
        bindNull(index);
}

void SqliteStmt::bindInt(int index, const std::optional<int> &v)
{
    if (v)
        bindInt(index, static_cast<std::int64_t>(*v));
    else
        bindNull(index);
}

void SqliteStmt::bindUint32(int index, const std::optional<std::uint32_t> &v)
{
    if (v)
        bindInt(index, static_cast<std::int64_t>(*v));
    else
        bindNull(index);
}

int SqliteStmt::step()
{
    return sqlite3_step(m_stmt);
}

bool SqliteStmt::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::string SqliteStmt::text(int column) const
{
    const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!t)
        return {};
    return std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

std::string_view SqliteStmt::textView(int column) const
{
    const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!t)
        return {};
    return std::string_view(t, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

std::int64_t SqliteStmt::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqliteStmt::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::optional<double> SqliteStmt::optReal(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return real(column);
}

std::optional<int> SqliteStmt::optInt(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return static_cast<int>(int64(column));
}

std::optional<std::uint32_t> SqliteStmt::optUint32(int column) const
{
    if (isNull(column))
        return std::nullopt;
    const std::int64_t v = int64(column);
    if (v < 0 || v > std::int64_t(UINT32_MAX))
        return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

} // namespace osh::audit
