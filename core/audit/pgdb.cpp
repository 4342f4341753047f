#include "pgdb.h"

#include <libpq-fe.h>

#include <charconv>

namespace osh::audit {

namespace {

std::string trimmed(const char *message)
{
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

} // namespace

PgResult::~PgResult()
{
    if (m_r)
        PQclear(m_r);
}

PgResult::PgResult(PgResult &&o) noexcept
    : m_r(o.m_r)
{
    o.m_r = nullptr;
}

PgResult &PgResult::operator=(PgResult &&o) noexcept
{
    if (this != &o) {
        if (m_r)
            PQclear(m_r);
        m_r = o.m_r;
        o.m_r = nullptr;
    }
    return *this;
}

int PgResult::rows() const
{
    return m_r ? PQntuples(m_r) : 0;
}

int PgResult::columns() const
{
    return m_r ? PQnfields(m_r) : 0;
}

bool PgResult::isNull(int row, int column) const
{
    return !m_r || row < 0 || row >= rows() || column < 0 || column >= columns() || PQgetisnull(m_r, row, column);
}

std::string_view PgResult::text(int row, int column) const
{
    if (isNull(row, column))
        return {};
    return std::string_view(PQgetvalue(m_r, row, column), static_cast<std::size_t>(PQgetlength(m_r, row, column)));
}

std::optional<std::int64_t> PgResult::integer(int row, int column) const
{
    if (isNull(row, column))
        return std::nullopt;
    const std::string_view t = text(row, column);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size())
        return std::nullopt;
    return v;
}

std::optional<double> PgResult::real(int row, int column) const
{
    if (isNull(row, column))
        return std::nullopt;
    const std::string_view t = text(row, column);
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size())
        return std::nullopt;
    return v;
}

std::int64_t PgResult::affected() const
{
    if (!m_r)
        return 0;
    const char *n = PQcmdTuples(m_r);
    std::int64_t v = 0;
    if (n && *n)
        std::from_chars(n, n + std::char_traits<char>::length(n), v);
    return v;
}

PgDb::~PgDb()
{
    close();
}

bool PgDb::isConnectionString(std::string_view s)
{
    return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

bool PgDb::open(const std::string &conninfo, std::string &error)
{
    close();
    // A password in the string would show in `ps` and in shell history.
    char *parseError = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &parseError);
    if (!options) {
        // libpq quotes the part it could not read, which may be the password.
        error = "the PostgreSQL connection string is not valid (see libpq's connection strings)";
        PQfreemem(parseError);
        return false;
    }
    bool password = false;
    for (const PQconninfoOption *o = options; o->keyword; ++o) {
        const std::string_view key(o->keyword);
        if ((key == "password" || key == "sslpassword") && o->val && *o->val)
            password = true;
    }
    PQconninfoFree(options);
    if (password) {
        error = "the PostgreSQL connection string holds a password: put it in a ~/.pgpass or PGPASSFILE file instead";
        return false;
    }
    // A server that does not answer must not hang the store for ever: 10 s
    // to connect and TCP keepalives, unless the string says otherwise
    // (parameters before dbname are overridden by the string's).
    const char *const keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
                                "dbname", nullptr};
    const char *const values[] = {"10", "30", "10", "3", conninfo.c_str(), nullptr};
    m_conn = PQconnectdbParams(keys, values, 1);
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        error = "cannot connect to PostgreSQL: " + trimmed(m_conn ? PQerrorMessage(m_conn) : "out of memory");
        close();
        return false;
    }
    // Server notices (e.g. "relation already exists, skipping") are not errors.
    PQsetNoticeProcessor(m_conn, [](void *, const char *) {}, nullptr);
    // Every value the store writes is UTF-8 (AuditLimits repairs the rest).
    if (PQsetClientEncoding(m_conn, "UTF8") != 0) {
        error = "cannot use UTF-8 with this PostgreSQL database: " + trimmed(PQerrorMessage(m_conn));
        close();
        return false;
    }
    // Doubles (event times) come back as text: the shortest form that
    // reads back to the same bits, whatever the server's default (a
    // rounded time would break every hash chain and page cursor).
    // The server, too, notices a host that died without closing its
    // connections within about two minutes (TCP only; a Unix socket
    // ignores these): its locks, a host name held, go with it.
    if (PGresult *set = PQexec(m_conn, "SET extra_float_digits = 3; SET tcp_keepalives_idle = 60; "
                                       "SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 6");
        PQresultStatus(set) != PGRES_COMMAND_OK) {
        error = "cannot set the connection's settings: " + trimmed(PQerrorMessage(m_conn));
        PQclear(set);
        close();
        return false;
    } else {
        PQclear(set);
    }
    m_conninfo = conninfo;
    return true;
}

bool PgDb::ensureOpen(std::string &error)
{
    if (m_conn && PQstatus(m_conn) == CONNECTION_OK)
        return true;
    if (m_conninfo.empty()) {
        notConnected(error);
        return false;
    }
    const std::string conninfo = m_conninfo;
    if (!open(conninfo, error))
        return false;
    ++m_generation;
    return true;
}

std::string PgDb::real(double v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

void PgDb::close()
{
    if (m_conn)
        PQfinish(m_conn);
    m_conn = nullptr;
}

bool PgDb::values(const std::vector<std::optional<std::string>> &params, std::vector<const char *> &out,
                  std::string &error)
{
    out.clear();
    out.reserve(params.size());
    for (const auto &p : params) {
        // libpq reads text parameters up to their first NUL: refuse instead
        // of storing a value cut short.
        if (p && p->find('\0') != std::string::npos) {
            m_state = "22021";
            error = "22021: parameter $" + std::to_string(out.size() + 1) + " holds a NUL byte";
            return false;
        }
        out.push_back(p ? p->c_str() : nullptr);
    }
    return true;
}

std::optional<PgResult> PgDb::exec(std::string_view sql, const std::vector<std::optional<std::string>> &params,
                                   std::string &error)
{
    if (!m_conn)
        return notConnected(error);
    std::vector<const char *> v;
    if (!values(params, v, error))
        return std::nullopt;
    const std::string text(sql);
    return result(PQexecParams(m_conn, text.c_str(), static_cast<int>(v.size()), nullptr, v.data(), nullptr, nullptr, 0),
                  error);
}

bool PgDb::prepare(const std::string &name, std::string_view sql, int params, std::string &error)
{
    if (!m_conn)
        return notConnected(error).has_value();
    const std::string text(sql);
    return result(PQprepare(m_conn, name.c_str(), text.c_str(), params, nullptr), error).has_value();
}

std::optional<PgResult> PgDb::execPrepared(const std::string &name, const std::vector<std::optional<std::string>> &params,
                                           std::string &error)
{
    if (!m_conn)
        return notConnected(error);
    std::vector<const char *> v;
    if (!values(params, v, error))
        return std::nullopt;
    return result(PQexecPrepared(m_conn, name.c_str(), static_cast<int>(v.size()), v.data(), nullptr, nullptr, 0), error);
}

bool PgDb::run(std::string_view sql, std::string &error)
{
    if (!m_conn)
        return notConnected(error).has_value();
    // PQexec: several statements in one string (a schema), no parameters.
    const std::string text(sql);
    return result(PQexec(m_conn, text.c_str()), error).has_value();
}

std::optional<PgResult> PgDb::notConnected(std::string &error)
{
    m_state = "08003";
    error = "08003: not connected to PostgreSQL";
    return std::nullopt;
}

std::optional<PgResult> PgDb::result(pg_result *raw, std::string &error)
{
    m_state.clear();
    const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return PgResult(raw);
    const char *state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    // No SQLSTATE: libpq failed on its side, which for a statement means the
    // connection (the server closed it, a network error).
    m_state = state ? state : "08006";
    // The primary message only: the server's DETAIL and CONTEXT quote the
    // values of the row (agent text), which must not reach logs.
    const char *primary = raw ? PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string message = primary ? trimmed(primary) : trimmed(PQerrorMessage(m_conn));
    error = m_state + ": " + (message.empty() ? std::string("the statement failed") : message);
    if (raw)
        PQclear(raw);
    return std::nullopt;
}

bool PgDb::connectionLost() const
{
    // Connection exceptions (class 08), and the server shutting down or
    // restarting under the session (57P01-57P03).
    return !m_conn || PQstatus(m_conn) == CONNECTION_BAD || m_state.starts_with("08") || m_state == "57P01"
        || m_state == "57P02" || m_state == "57P03";
}

bool PgDb::transactionFailed() const
{
    return m_conn && PQtransactionStatus(m_conn) == PQTRANS_INERROR;
}

std::string PgDb::displayName(const std::string &conninfo)
{
    char *parseError = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &parseError);
    PQfreemem(parseError);
    if (!options)
        return "postgresql://...";
    std::string user, host, port, db;
    for (const PQconninfoOption *o = options; o->keyword; ++o) {
        const std::string_view key(o->keyword);
        const std::string value = o->val ? o->val : "";
        if (key == "user")
            user = value;
        else if (key == "host")
            host = value;
        else if (key == "port")
            port = value;
        else if (key == "dbname")
            db = value;
    }
    PQconninfoFree(options);
    std::string out = "postgresql://";
    if (!user.empty())
        out += user + "@";
    if (!host.empty() && host.front() != '/')
        out += host;
    if (!port.empty())
        out += ":" + port;
    out += "/" + db;
    if (!host.empty() && host.front() == '/')
        out += "?host=" + host;
    return out;
}

} // namespace osh::audit
