#include "utf8offsets.h"

namespace osh::ui {

int byteIndexOfColumn(const QByteArray &utf8Line, int column)
{
    int col = 1;
    int i = 0;
    while (i < utf8Line.size() && col < column) {
        if (utf8Line[i] == '\n' || utf8Line[i] == '\r')
            break;
        ++i;
        while (i < utf8Line.size() && (static_cast<unsigned char>(utf8Line[i]) & 0xc0) == 0x80)
            ++i;
        ++col;
    }
    return i;
}

} // namespace osh::ui
