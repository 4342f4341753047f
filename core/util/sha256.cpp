#include "sha256.h"

#include <QByteArrayView>
#include <QCryptographicHash>

namespace osh {

std::string sha256Hex(std::string_view data)
{
    return QCryptographicHash::hash(QByteArrayView(data.data(), static_cast<qsizetype>(data.size())),
                                    QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

} // namespace osh
