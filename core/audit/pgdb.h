#pragma once
// A thin RAII owner of one PostgreSQL connection (libpq), the counterpart of
// SqliteDb for a store shared by several runtime hosts. Queries are always
// parameterised (PQexecParams, text parameters): no value is ever spliced
// into SQL. Each connection is used by one thread at a time.
//
// Connection strings are libpq's: a URI (postgresql://user@host/db,
// postgresql:///db?host=/run/postgresql) or key=value pairs. A password
// belongs in a ~/.pgpass or PGPASSFILE file, never in a command line:
// open() refuses a connection string that carries one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace osh::audit {

// One result, owned; rows and columns count from 0.
class PgResult
{
public:
    PgResult() = default;
    explicit PgResult(pg_result *r)
        : m_r(r)
    { }
    ~PgResult();
    PgResult(PgResult &&o) noexcept;
    PgResult &operator=(PgResult &&o) noexcept;
    PgResult(const PgResult &) = delete;
    PgResult &operator=(const PgResult &) = delete;

    int rows() const;
    int columns() const;
    bool isNull(int row, int column) const;
    std::string_view text(int row, int column) const; // "" for NULL
    // The value as a 64-bit integer; nullopt for NULL or not an integer.
    std::optional<std::int64_t> integer(int row, int column) const;
    // A DOUBLE PRECISION value, exactly as stored (PostgreSQL prints the
    // shortest text that reads back to the same double); nullopt for NULL.
    std::optional<double> real(int row, int column) const;
    // Rows changed by an INSERT, UPDATE or DELETE.
    std::int64_t affected() const;

private:
    pg_result *m_r = nullptr;
};

class PgDb
{
public:
    PgDb() = default;
    ~PgDb();
    PgDb(const PgDb &) = delete;
    PgDb &operator=(const PgDb &) = delete;

    // Connects; on failure returns false and sets error (libpq's message,
    // without the password, or why the string was refused).
    bool open(const std::string &conninfo, std::string &error);
    // Reconnects with the last open()'s string when the connection was lost
    // (a server restart); true when connected.
    bool ensureOpen(std::string &error);
    void close();
    bool isOpen() const { return m_conn != nullptr; }

    // Runs sql with $1.. bound to params (text; nullopt is NULL). On failure
    // returns nullopt, sets error to "SQLSTATE: message" and sqlState().
    // A parameter holding a NUL byte is refused (22021) rather than cut.
    std::optional<PgResult> exec(std::string_view sql, const std::vector<std::optional<std::string>> &params,
                                 std::string &error);
    // A statement parsed and planned once on this connection, run by name
    // with execPrepared() (as exec(), for statements run many times). A
    // reconnection forgets every prepared statement: prepare again.
    bool prepare(const std::string &name, std::string_view sql, int params, std::string &error);
    std::optional<PgResult> execPrepared(const std::string &name, const std::vector<std::optional<std::string>> &params,
                                         std::string &error);
    // Increases each time the connection is made again (ensureOpen): what
    // was prepared before is gone.
    int generation() const { return m_generation; }
    // One or more statements without parameters or results (a schema,
    // BEGIN, COMMIT).
    bool run(std::string_view sql, std::string &error);
    // The SQLSTATE of the last failed exec ("23505" unique violation,
    // "40001" serialization failure, "08006" connection failure, ...).
    const std::string &sqlState() const { return m_state; }
    // Whether the last failure lost the connection.
    bool connectionLost() const;
    // Whether the connection is inside a transaction that failed (every
    // statement is refused until it is rolled back).
    bool transactionFailed() const;

    // Whether a connection string names a PostgreSQL store rather than a
    // file: it starts with postgresql:// or postgres://.
    static bool isConnectionString(std::string_view s);
    // A double as parameter text that reads back to the same bits.
    static std::string real(double v);
    // A connection string as it may be shown: postgresql://user@host:port/db
    // with any password left out; "postgresql://..." when it cannot be read.
    static std::string displayName(const std::string &conninfo);

private:
    std::optional<PgResult> notConnected(std::string &error);
    // Takes raw; a result on success, nullopt with error and sqlState() set.
    std::optional<PgResult> result(pg_result *raw, std::string &error);
    // The parameters as C strings; false (error set) when one holds a NUL.
    bool values(const std::vector<std::optional<std::string>> &params, std::vector<const char *> &out,
                std::string &error);

    pg_conn *m_conn = nullptr;
    std::string m_conninfo;
    std::string m_state;
    int m_generation = 0;
};

} // namespace osh::audit
