#pragma once
// The request reader osctl eval had before simdjson: Qt's JSON parser, then
// the same field checks. Tests and the fuzz target compare Request::fromJson
// with it: both must accept the same requests with the same variables and
// refuse the others with the same message (syntax errors aside, whose
// wording differs, and duplicate keys, which only fromJson refuses).

#include "engine/request.h"

#include <optional>
#include <string>
#include <string_view>

namespace osh::test {

std::optional<Request> qtRequestFromJson(std::string_view json, std::string &error);

} // namespace osh::test
