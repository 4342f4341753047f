#include "approvals/notifier.h"

#include <QApplication>
#include <QStyle>
#include <QSystemTrayIcon>

namespace osh::ui {

Notifier::Notifier(QObject *parent) : QObject(parent)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    QIcon icon = QApplication::windowIcon();
    if (icon.isNull())
        icon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    m_tray = new QSystemTrayIcon(icon, this);
    m_tray->setToolTip(tr("OpenShell Studio"));
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &Notifier::activated);
    m_tray->show();
}

void Notifier::notify(const QString &title, const QString &message)
{
    if (m_tray)
        m_tray->showMessage(title, message, QSystemTrayIcon::Warning);
}

void Notifier::notifyApproval(qint64 id, const QString &summary)
{
    notify(tr("Action #%1 waits for approval").arg(id), summary);
}

} // namespace osh::ui
