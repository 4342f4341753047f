#include "editor/utf8offsets.h"

#include <algorithm>

namespace osh::ui {

namespace {
bool isContinuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}
} // namespace

int byteIndexOfColumn(const QByteArray &utf8Line, int column)
{
    int col = 1;
    int i = 0;
    while (i < utf8Line.size() && col < column) {
        if (utf8Line[i] == '\n' || utf8Line[i] == '\r')
            break;
        ++i;
        while (i < utf8Line.size() && isContinuation(utf8Line[i]))
            ++i;
        ++col;
    }
    return i;
}

int columnOfByteIndex(const QByteArray &utf8Line, int byteIndex)
{
    const int end = std::clamp(byteIndex, 0, static_cast<int>(utf8Line.size()));
    int col = 1;
    for (int i = 0; i < end; ++i)
        if (!isContinuation(utf8Line[i]) && i + 1 <= end) {
            // Count lead bytes strictly before the offset's own code point.
            int next = i + 1;
            while (next < utf8Line.size() && isContinuation(utf8Line[next]))
                ++next;
            if (next <= end)
                ++col;
        }
    return col;
}

int utf16IndexOfByte(const QByteArray &utf8Line, int byteIndex)
{
    const int end = std::clamp(byteIndex, 0, static_cast<int>(utf8Line.size()));
    int units = 0;
    for (int i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(utf8Line[i]);
        if ((c & 0xc0) == 0x80)
            continue;
        // Four-byte sequences are outside the BMP: a surrogate pair.
        units += (c >= 0xf0) ? 2 : 1;
    }
    return units;
}

int byteIndexOfUtf16(const QString &line, int utf16Index)
{
    const int end = std::clamp(utf16Index, 0, static_cast<int>(line.size()));
    return static_cast<int>(QStringView(line).left(end).toUtf8().size());
}

} // namespace osh::ui
