#pragma once
// A validation finding with a stable code and an exact source position.
// Produced by the loader, the validator and the condition checker; printed
// by osctl and drawn as squiggles by the studio.

#include <string>
#include <string_view>
#include <vector>

namespace osh {

enum class Severity { Error, Warning, Info };

std::string_view severityName(Severity s);

// 1-based line and column (columns count Unicode code points). An end of
// {0,0} means "the token at line:col" with no known extent.
struct SourcePos
{
    int line = 0;
    int column = 0;
    bool valid() const { return line > 0; }
    friend bool operator==(const SourcePos &, const SourcePos &) = default;
};

struct Diagnostic
{
    std::string code; // stable, e.g. "E012"; documented in docs/diagnostics.md
    Severity severity = Severity::Error;
    std::string file;
    SourcePos begin;
    SourcePos end;
    std::string message;
    std::string suggestion; // replacement text, empty when none

    // "FILE:LINE:COL: SEVERITY: [CODE] MESSAGE" (plus "(did you mean 'x'?)").
    std::string format() const;
    // {"file","line","column",["end_line","end_column"],"severity","code",
    // "message","suggestion"}: `osctl validate --format json` and the API.
    void appendJson(std::string &out) const;
};

using Diagnostics = std::vector<Diagnostic>;

bool hasErrors(const Diagnostics &d);

} // namespace osh
