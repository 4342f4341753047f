// Request::fromJson (simdjson) against the Qt reader it replaced
// (qtrequest.h): generated requests, valid and broken, must be read to the
// same variables or refused with the same message; syntax errors carry
// their line and column; duplicate keys are refused everywhere.

#include "engine/request.h"
#include "qtrequest.h"
#include "strictjson.h"

#include <QTest>

#include <cctype>
#include <random>

using namespace osh;

namespace {

// Deterministic JSON text of request-like objects: known and unknown keys,
// every JSON type in every field, numbers at the edges of the int range,
// escapes and non-ASCII text; some texts are then damaged byte by byte.
class Generator
{
public:
    explicit Generator(std::uint32_t seed) : m_rng(seed) {}

    std::string request()
    {
        std::string out = "{";
        bool first = true;
        auto member = [&](std::string_view key, const std::string &value) {
            if (!first)
                out += pick(4) == 0 ? " , " : ",";
            first = false;
            out += '"';
            out += key;
            out += "\":";
            out += value;
        };
        const std::string trig = trigger();
        if (pick(20) != 0)
            member("trigger", pick(10) == 0 ? scalar() : quoted(trig));
        // Mostly, the fields the trigger requires are there, well typed.
        const bool complete = pick(4) != 0;
        auto required = [&](std::string_view group, std::string_view key) -> std::string {
            if (!complete)
                return {};
            if (trig == "tool_call" && group == "tool" && key == "name")
                return quoted(text());
            if (trig == "network_egress" && group == "destination" && key == "host")
                return quoted("h" + text());
            if (trig == "network_egress" && group == "destination" && key == "port")
                return "443";
            if (trig == "file_access" && group == "file" && key == "path")
                return quoted("/w/" + text());
            if (trig == "file_access" && group == "file" && key == "operation")
                return quoted(pick(2) ? "read" : "write");
            return {};
        };
        static const char *groups[] = {"tool", "session", "destination", "request", "file"};
        static const std::vector<std::vector<const char *>> keys = {
            {"name", "args", "calls_in_last_minute", "server"},
            {"id", "total_cost", "tool_calls", "elapsed_seconds"},
            {"host", "ip", "port", "protocol"},
            {"bytes", "method", "path", "query", "url", "headers", "body", "content_type"},
            {"path", "operation", "size", "extension", "target", "expanded_size"}};
        for (std::size_t g = 0; g < 5; ++g) {
            const bool needed = !required(groups[g], keys[g][0]).empty() || !required(groups[g], keys[g][1]).empty();
            if (!needed && pick(3) == 0)
                continue;
            if (pick(25) == 0) {
                member(groups[g], scalar());
                continue;
            }
            std::string obj = "{";
            bool f = true;
            for (const char *k : keys[g]) {
                const std::string must = required(groups[g], k);
                if (must.empty() && pick(2) == 0)
                    continue;
                obj += f ? "" : ",";
                f = false;
                obj += '"' + std::string(k) + "\":" + (must.empty() ? fieldValue(k) : must);
            }
            if (pick(30) == 0)
                obj += std::string(f ? "" : ",") + "\"unknown_" + std::to_string(pick(3)) + "\":1";
            member(groups[g], obj + "}");
        }
        for (const char *k : {"ts", "cost"})
            if (pick(3) == 0)
                member(k, pick(6) == 0 ? scalar() : number());
        for (const char *k : {"output", "response", "destination_region"})
            if ((complete && ((trig == "data_output" && k == std::string_view("output"))
                              || (trig == "agent_response" && k == std::string_view("response"))))
                || pick(4) == 0)
                member(k, pick(8) == 0 ? scalar() : quoted(text()));
        if (pick(30) == 0)
            member("extra_" + std::to_string(pick(3)), "true");
        out += '}';
        if (pick(6) == 0)
            damage(out);
        return out;
    }

private:
    std::mt19937 m_rng;

    std::uint32_t pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(m_rng); }

    std::string trigger()
    {
        static const char *t[] = {"tool_call", "data_output", "agent_response", "network_egress", "file_access",
                                  "TOOL_CALL", ""};
        return t[pick(7)];
    }

    std::string text()
    {
        static const char *parts[] = {"a", "tool", " ", "é", "日本", "😀", "\\n", "\\\"", "\\\\", "\\u00e9",
                                      "\\ud83d\\ude00", "\\u0000", "/", "\\/", "x.y", "read", "write", "GET"};
        std::string s;
        const auto n = pick(5);
        for (std::uint32_t i = 0; i < n; ++i)
            s += parts[pick(std::size(parts))];
        return s;
    }

    static std::string quoted(const std::string &s) { return '"' + s + '"'; }

    std::string number()
    {
        static const char *n[] = {"0",      "-0",     "1",     "5",        "5.0",      "5.5",       "1e2",
                                  "1E-2",   "-3",     "0.25",  "65535",    "65536",    "8999999999999999",
                                  "9000000000000000", "9007199254740993", "18446744073709551615",
                                  "18446744073709551616", "-9223372036854775808", "1.5e300", "123456789.125", "10.00",
                                  "0.77777777777777777777777777702", "25e-00000000000000000001",
                                  "177777777777777777777777777777777"};
        return n[pick(std::size(n))];
    }

    std::string scalar()
    {
        switch (pick(6)) {
        case 0: return "null";
        case 1: return pick(2) ? "true" : "false";
        case 2: return number();
        case 3: return quoted(text());
        case 4: return "[" + number() + "," + quoted(text()) + "]";
        default: return "{\"k\":" + number() + "}";
        }
    }

    std::string mapValue(int depth)
    {
        std::string s = "{";
        const auto n = pick(4);
        for (std::uint32_t i = 0; i < n; ++i) {
            s += (i ? "," : "") + quoted("k" + std::to_string(i) + text());
            s += ':';
            s += depth < 3 && pick(3) == 0 ? (pick(2) ? mapValue(depth + 1) : "[" + mapValue(depth + 1) + ",null]")
                                           : scalar();
        }
        return s + "}";
    }

    std::string fieldValue(std::string_view key)
    {
        if (pick(20) == 0)
            return scalar();
        if (key == "args" || key == "query")
            return mapValue(0);
        if (key == "headers")
            return pick(5) ? "{\"content-type\":\"text/plain\",\"x-a\":\"b\"}" : "{\"X-Up\":\"1\"}";
        if (key == "operation") {
            static const char *ops[] = {"read", "write", "create", "delete", "list", "symlink", "chmod"};
            return quoted(ops[pick(7)]);
        }
        if (key == "calls_in_last_minute" || key == "tool_calls" || key == "port" || key == "bytes" || key == "size"
            || key == "total_cost" || key == "elapsed_seconds" || key == "expanded_size")
            return number();
        return quoted(text());
    }

    void damage(std::string &s)
    {
        const auto at = pick(static_cast<std::uint32_t>(s.size()));
        switch (pick(4)) {
        case 0: s.erase(at, 1); break;
        case 1: s.insert(at, 1, "{}[],:\"\\x0 "[pick(12)]); break;
        case 2: s.resize(at); break;
        default: s.insert(at, "\n  "); break;
        }
    }
};

bool isSyntaxError(const std::string &message) { return message.rfind("invalid JSON", 0) == 0; }

} // namespace

class TestRequestJson : public QObject
{
    Q_OBJECT

private slots:
    void sameAsQtReader()
    {
        const int rounds = qEnvironmentVariableIntValue("OSH_REQUEST_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("OSH_REQUEST_ROUNDS")
                               : 20000;
        Generator gen(20261203);
        int accepted = 0, syntax = 0, refused = 0;
        for (int i = 0; i < rounds; ++i) {
            const std::string json = gen.request();
            std::string newError, oldError;
            const auto fresh = Request::fromJson(json, newError);
            const auto old = test::qtRequestFromJson(json, oldError);
            const std::string where = "#" + std::to_string(i) + ": " + json + "\n  simdjson: " + newError
                                      + "\n  Qt: " + oldError;
            if (!fresh && newError.find("duplicate") != std::string::npos)
                continue; // only fromJson refuses duplicate keys; the generator seldom makes them
            const bool strict = test::StrictJson::valid(json);
            QVERIFY2(strict || !fresh, where.c_str());
            if (!strict) {
                ++syntax;
                QVERIFY2(!fresh && isSyntaxError(newError), where.c_str());
                continue;
            }
            QVERIFY2(fresh.has_value() == old.has_value(),
                     where.c_str());
            if (fresh) {
                ++accepted;
                QCOMPARE(fresh->toJson(), old->toJson());
                QCOMPARE(fresh->given, old->given);
                QCOMPARE(fresh->linkTarget, old->linkTarget);
                QCOMPARE(fresh->expandedSize, old->expandedSize);
                QCOMPARE(fresh->ts.has_value(), old->ts.has_value());
                continue;
            }
            if (isSyntaxError(newError) || isSyntaxError(oldError)) {
                ++syntax;
                QVERIFY2(isSyntaxError(newError) && isSyntaxError(oldError),
                         where.c_str());
                continue;
            }
            ++refused;
            QVERIFY2(newError == oldError,
                     where.c_str());
        }
        // The generator reaches all three outcomes often enough to matter.
        QVERIFY2(accepted > rounds / 10 && syntax > rounds / 20 && refused > rounds / 10,
                 qPrintable(QStringLiteral("%1 accepted, %2 syntax errors, %3 refused").arg(accepted).arg(syntax).arg(refused)));
    }

    void syntaxErrorsHaveLineAndColumn_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        // Qt's parser, which locates them, reports the byte after the one it
        // stopped at for some errors: the column is at most one further.
        QTest::newRow("missing value") << R"({"trigger": })" << 1 << 14;
        QTest::newRow("missing comma") << R"({"trigger":"tool_call" "tool":{}})" << 1 << 25;
        QTest::newRow("second line") << "{\"trigger\":\"tool_call\",\n \"tool\":{\"name\":x}}" << 2 << 17;
        QTest::newRow("unterminated") << R"({"trigger":"tool_call")" << 1 << 23;
        QTest::newRow("trailing text") << R"({"trigger":"tool_call"} x)" << 1 << 25;
    }
    void syntaxErrorsHaveLineAndColumn()
    {
        QFETCH(QString, json);
        QFETCH(int, line);
        QFETCH(int, column);
        Request::ParseError e;
        QVERIFY(!Request::fromJson(json.toStdString(), e));
        QCOMPARE(e.line, line);
        QCOMPARE(e.column, column);
        QVERIFY(!e.message.empty());
        std::string text;
        QVERIFY(!Request::fromJson(json.toStdString(), text));
        QVERIFY2(text.rfind("invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": ", 0) == 0,
                 text.c_str());
    }

    void fieldErrorsHaveNoPosition()
    {
        Request::ParseError e;
        QVERIFY(!Request::fromJson(R"({"trigger":"tool_call","tool":{"name":5}})", e));
        QCOMPARE(e.message, std::string("'tool.name' must be a string"));
        QCOMPARE(e.line, 0);
        QCOMPARE(e.column, 0);
    }

    // A key given twice would be read as its first value by one reader and
    // its last by another (Qt keeps the last): the request is refused.
    void duplicateKeysAreRefused_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("top level") << R"({"trigger":"tool_call","trigger":"data_output","tool":{"name":"a"}})"
                                   << "duplicate field 'trigger'";
        QTest::newRow("tool.name") << R"({"trigger":"tool_call","tool":{"name":"safe","name":"send_email"}})"
                                   << "duplicate field 'tool.name'";
        QTest::newRow("in args") << R"({"trigger":"tool_call","tool":{"name":"a","args":{"to":"a@x.io","to":"b@y.io"}}})"
                                 << "duplicate key 'to' in 'tool.args'";
        QTest::newRow("nested in args")
            << R"({"trigger":"tool_call","tool":{"name":"a","args":{"m":[{"k":1,"k":2}]}}})"
            << "duplicate key 'k' in 'tool.args'";
        QTest::newRow("header") << R"({"trigger":"network_egress","destination":{"host":"a.io","port":443},)"
                                   R"("request":{"headers":{"x-a":"1","x-a":"2"}}})"
                                << "duplicate key 'x-a' in 'request.headers'";
    }
    void duplicateKeysAreRefused()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        std::string error;
        QVERIFY(!Request::fromJson(json.toStdString(), error));
        QCOMPARE(QString::fromStdString(error), message);
    }

    void unknownKeyReportedInByteOrder()
    {
        std::string error;
        QVERIFY(!Request::fromJson(R"({"zeta":1,"trigger":"tool_call","alpha":2})", error));
        QCOMPARE(error, std::string("unknown field 'alpha'"));
    }

    void expandedSizeOutOfRange()
    {
        std::string error;
        QVERIFY(!Request::fromJson(
            R"({"trigger":"file_access","file":{"path":"/w/a.zip","operation":"write","expanded_size":1e300}})", error));
        QCOMPARE(error, std::string("'file.expanded_size' must be a number of bytes (0 to 2^63)"));
    }

    // An integer beyond 64 bits sends the text through the widening
    // fallback; the digits of a fraction or an exponent elsewhere in it are
    // not integers of their own.
    void longFractionBesideLongInteger()
    {
        std::string error;
        const auto r = Request::fromJson(
            R"({"trigger":"tool_call","tool":{"name":"a","args":{"n":[17777777777777777777777777777]}},)"
            R"("cost":0.77777777777777777777777777702,"session":{"total_cost":5e0000000000000000000001}})",
            error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->get(Var::SessionTotalCost).toNumber(), 50.0);
        QCOMPARE(r->cost, 0.77777777777777777777777777702);
    }

    // The reused per-thread buffers never leak one request into the next.
    void shortAfterLong()
    {
        std::string error;
        const std::string longArgs(100000, 'x');
        QVERIFY(Request::fromJson("{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"a\",\"args\":{\"v\":\"" + longArgs + "\"}}}",
                                  error));
        const auto r = Request::fromJson(R"({"trigger":"tool_call","tool":{"name":"b"}})", error);
        QVERIFY2(r, error.c_str());
        QCOMPARE(r->get(Var::ToolName).toString(), std::string("b"));
        QVERIFY(!Request::fromJson(R"({"trigger":"tool_call","tool":{"name":"b"})", error));
    }
};

QTEST_GUILESS_MAIN(TestRequestJson)
#include "tst_requestjson.moc"
