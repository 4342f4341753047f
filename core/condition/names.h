#pragma once
// Name tables for resolving identifiers and suggesting corrections.

#include <string>
#include <string_view>
#include <vector>

namespace osh::cond::names {

// tool, session, destination, file, request: prefixes of dotted variables.
bool isNamespace(std::string_view name);
// "session.id, session.total_cost, ..." for a namespace.
std::string joinedMembers(std::string_view ns);
// Every variable's dotted name.
const std::vector<std::string_view> &allVarNames();
// What a bare identifier may be: namespaces, top-level variables, functions, literals.
const std::vector<std::string_view> &topLevelNames();
// "true" for True/TRUE, "false" for False, "null" for None/NULL; empty otherwise.
std::string lowercaseLiteral(std::string_view name);

} // namespace osh::cond::names
