#include "editor/diagnosticrange.h"

#include "editor/utf8offsets.h"

#include <algorithm>

namespace osh::ui {

namespace {
int lineEnd(const QByteArray &line)
{
    int n = static_cast<int>(line.size());
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        --n;
    return n;
}

bool isBlankChar(char c)
{
    return c == ' ' || c == '\t';
}
} // namespace

ByteRange tokenRange(const QByteArray &utf8Line, int column)
{
    const int end = lineEnd(utf8Line);
    const int from = std::min(byteIndexOfColumn(utf8Line, column), end);
    int to = from;
    if (from < end && (utf8Line[from] == '"' || utf8Line[from] == '\'')) {
        const char quote = utf8Line[from];
        to = from + 1;
        while (to < end) {
            if (quote == '"' && utf8Line[to] == '\\' && to + 1 < end) {
                to += 2;
                continue;
            }
            if (utf8Line[to] == quote) {
                // '' is an escaped quote inside a single-quoted scalar.
                if (quote == '\'' && to + 1 < end && utf8Line[to + 1] == '\'') {
                    to += 2;
                    continue;
                }
                ++to;
                break;
            }
            ++to;
        }
        return {from, to};
    }
    while (to < end) {
        const char c = utf8Line[to];
        if (isBlankChar(c) || c == ',' || c == ']' || c == '}')
            break;
        // A key ends at ": " or ":" at the end; "host:port" values keep theirs.
        if (c == ':' && (to + 1 >= end || isBlankChar(utf8Line[to + 1])))
            break;
        ++to;
    }
    if (to == from && from < end) {
        ++to;
        while (to < end && (static_cast<unsigned char>(utf8Line[to]) & 0xc0) == 0x80)
            ++to;
    }
    return {from, to};
}

ByteRange diagnosticRange(const QByteArray &utf8Line, const Diagnostic &diagnostic)
{
    const SourcePos &b = diagnostic.begin;
    const SourcePos &e = diagnostic.end;
    if (e.valid() && e.line == b.line && e.column > b.column) {
        const int end = lineEnd(utf8Line);
        return {std::min(byteIndexOfColumn(utf8Line, b.column), end), std::min(byteIndexOfColumn(utf8Line, e.column), end)};
    }
    return tokenRange(utf8Line, b.column);
}

} // namespace osh::ui
