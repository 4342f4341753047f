#include "messagebar.h"

#include "themedicon.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace osh::ui {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_close(new QToolButton(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("messageBar"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    m_text->setObjectName(QStringLiteral("messageBarText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_text, 1);
    m_close->setAutoRaise(true);
    m_close->setText(QStringLiteral("×"));
    m_close->setToolTip(tr("Close"));
    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);
    layout->addWidget(m_close);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &MessageBar::dismiss);
    hide();
}

void MessageBar::showMessage(Kind kind, const QString &text, int timeoutMs)
{
    m_kind = kind;
    m_text->setText(text);
    updateColours();
    if (timeoutMs > 0)
        m_timer->start(timeoutMs);
    else
        m_timer->stop();
    show();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

void MessageBar::dismiss()
{
    m_timer->stop();
    m_text->clear();
    hide();
}

void MessageBar::changeEvent(QEvent *event)
{
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) && !m_updating)
        updateColours();
    QFrame::changeEvent(event);
}

void MessageBar::updateColours()
{
    // A tint of the kind's colour over the window colour: readable in the
    // light and the dark palette alike.
    const QColor window = parentWidget() ? parentWidget()->palette().color(QPalette::Window) : palette().color(QPalette::Window);
    const QColor accent = m_kind == Kind::Error ? QColor(0xd9, 0x30, 0x25)
                        : m_kind == Kind::Warning ? QColor(0xe0, 0x9b, 0x10)
                                                  : QColor(0x2a, 0x6f, 0xdb);
    const qreal a = 0.22;
    const QColor bg = QColor::fromRgbF(window.redF() * (1 - a) + accent.redF() * a,
                                       window.greenF() * (1 - a) + accent.greenF() * a,
                                       window.blueF() * (1 - a) + accent.blueF() * a);
    const int extent = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    const QString icon = m_kind == Kind::Information ? QStringLiteral("about.svg") : QStringLiteral("warning.svg");
    m_icon->setPixmap(themedIcon(icon).pixmap(QSize(extent, extent), devicePixelRatio()));
    QPalette p = palette();
    p.setColor(QPalette::Window, bg);
    m_updating = true;
    setPalette(p);
    m_updating = false;
}

} // namespace osh::ui
