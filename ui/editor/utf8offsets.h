#pragma once
// QScintilla addresses text by UTF-8 byte offsets; diagnostics use 1-based
// lines and code-point columns, and Qt strings use UTF-16 indices. This is
// the one place that converts between them.

#include <QByteArray>
#include <QString>

namespace osh::ui {

// Byte offset within a UTF-8 line of the 1-based code-point column (clamped).
int byteIndexOfColumn(const QByteArray &utf8Line, int column);

// 1-based code-point column of a byte offset within a UTF-8 line (clamped;
// an offset inside a multi-byte sequence belongs to that code point).
int columnOfByteIndex(const QByteArray &utf8Line, int byteIndex);

// UTF-16 index (into QString::fromUtf8(utf8Line)) of a byte offset (clamped).
int utf16IndexOfByte(const QByteArray &utf8Line, int byteIndex);

// Byte offset (into line.toUtf8()) of a UTF-16 index (clamped).
int byteIndexOfUtf16(const QString &line, int utf16Index);

} // namespace osh::ui
