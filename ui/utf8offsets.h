#pragma once
// QScintilla addresses text by UTF-8 byte offsets; diagnostics use 1-based
// lines and code-point columns. This is the one place that converts.

#include <QByteArray>

namespace osh::ui {

// Byte offset within a UTF-8 line of the 1-based code-point column (clamped).
int byteIndexOfColumn(const QByteArray &utf8Line, int column);

} // namespace osh::ui
