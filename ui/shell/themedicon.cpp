#include "themedicon.h"

#include <QFile>
#include <QGuiApplication>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QPixmapCache>
#include <QSvgRenderer>

namespace osh::ui {

namespace {

class ThemedSvgEngine : public QIconEngine
{
public:
    ThemedSvgEngine(QString alias, QByteArray svg)
        : m_alias(std::move(alias))
        , m_svg(std::move(svg))
    {
    }

    QIconEngine *clone() const override { return new ThemedSvgEngine(m_alias, m_svg); }
    QString key() const override { return QStringLiteral("osh-themed-svg"); }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        QSvgRenderer renderer(coloured(mode));
        renderer.render(painter, QRectF(rect));
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State, qreal) override
    {
        // `size` is already in device pixels; the caller sets the ratio.
        if (size.isEmpty())
            return {};
        const QColor c = colour(mode);
        const QString cacheKey = QStringLiteral("osh-icon:%1:%2x%3:%4").arg(m_alias).arg(size.width()).arg(size.height()).arg(c.rgba());
        QPixmap pm;
        if (QPixmapCache::find(cacheKey, &pm))
            return pm;
        pm = QPixmap(size);
        pm.fill(Qt::transparent);
        {
            QPainter p(&pm);
            QSvgRenderer renderer(coloured(mode));
            renderer.render(&p, QRectF(QPointF(0, 0), QSizeF(size)));
        }
        QPixmapCache::insert(cacheKey, pm);
        return pm;
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }

private:
    static QColor colour(QIcon::Mode mode)
    {
        const QPalette pal = QGuiApplication::palette();
        switch (mode) {
        case QIcon::Disabled:
            return pal.color(QPalette::Disabled, QPalette::WindowText);
        case QIcon::Selected:
            return pal.color(QPalette::HighlightedText);
        default:
            return pal.color(QPalette::WindowText);
        }
    }

    QByteArray coloured(QIcon::Mode mode) const
    {
        QByteArray svg = m_svg;
        svg.replace("currentColor", colour(mode).name(QColor::HexRgb).toLatin1());
        return svg;
    }

    QString m_alias;
    QByteArray m_svg;
};

} // namespace

QIcon themedIcon(const QString &alias)
{
    QFile f(QStringLiteral(":/icons/") + alias);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QIcon(new ThemedSvgEngine(alias, f.readAll()));
}

} // namespace osh::ui
