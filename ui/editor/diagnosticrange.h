#pragma once
// Which bytes of a line a diagnostic covers: the squiggle, the hover and the
// quick fix must all agree, so the token rule lives here, once.

#include "util/diagnostic.h"

#include <QByteArray>

namespace osh::ui {

struct ByteRange
{
    int from = 0;
    int to = 0; // exclusive
    friend bool operator==(const ByteRange &, const ByteRange &) = default;
};

// The token starting at the 1-based code-point column of a UTF-8 line: a
// quoted scalar up to its closing quote, else up to whitespace, ',', ']',
// '}', or a ':' that ends a key. Never empty unless the line is.
ByteRange tokenRange(const QByteArray &utf8Line, int column);

// The bytes of utf8Line (the diagnostic's begin line) the diagnostic covers:
// its explicit extent when it has one on that line, else tokenRange().
ByteRange diagnosticRange(const QByteArray &utf8Line, const Diagnostic &diagnostic);

} // namespace osh::ui
