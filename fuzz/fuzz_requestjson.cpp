// Request::fromJson (simdjson) against the Qt reader it replaced
// (tests/core/qtrequest.h) on arbitrary bytes: aborts when one accepts what
// the other refuses, when both accept but read different variables, when
// they refuse valid JSON with different messages, or when fromJson accepts
// text that is not strict JSON (tests/core/strictjson.h).

#include "engine/request.h"
#include "qtrequest.h"
#include "strictjson.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace osh;

namespace {

[[noreturn]] void fail(const char *what, std::string_view json, const std::string &a, const std::string &b)
{
    std::fprintf(stderr, "%s\n  input: %.*s\n  simdjson: %s\n  Qt: %s\n", what, static_cast<int>(json.size()),
                 json.data(), a.c_str(), b.c_str());
    std::abort();
}

bool syntax(const std::string &m) { return m.rfind("invalid JSON", 0) == 0; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view json(reinterpret_cast<const char *>(data), size);
    std::string newError, oldError;
    const auto fresh = Request::fromJson(json, newError);
    const auto old = test::qtRequestFromJson(json, oldError);
    const bool strict = test::StrictJson::valid(json);
    if (fresh && !strict)
        fail("accepted text that is not strict JSON", json, newError, oldError);
    if (!strict || (!fresh && newError.find("duplicate") != std::string::npos))
        return 0; // refusing lax JSON and duplicate keys is fromJson's own
    if (!fresh && newError == "a request must be a JSON object" && syntax(oldError))
        return 0; // a scalar alone is JSON (RFC 8259); Qt's reader calls it a syntax error
    if (syntax(oldError) && oldError.find("illegal number") != std::string::npos)
        return 0; // an exponent far out of range: Qt refuses it, simdjson rounds it to 0 as IEEE 754 does
    if (fresh.has_value() != old.has_value())
        fail("one reader accepts, the other refuses", json, newError, oldError);
    if (fresh) {
        if (fresh->toJson() != old->toJson() || fresh->given != old->given || fresh->linkTarget != old->linkTarget
            || fresh->expandedSize != old->expandedSize)
            fail("different requests", json, fresh->toJson(), old->toJson());
        return 0;
    }
    if (syntax(newError) != syntax(oldError) || (!syntax(newError) && newError != oldError))
        fail("different refusals", json, newError, oldError);
    return 0;
}
