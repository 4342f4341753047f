#pragma once
// Desktop notifications for held actions: a tray balloon when the desktop
// has a system tray, nothing otherwise (the approvals dock's badge still
// shows the count).

#include <QObject>

class QSystemTrayIcon;

namespace osh::ui {

class Notifier : public QObject
{
    Q_OBJECT

public:
    explicit Notifier(QObject *parent = nullptr);

    bool isAvailable() const { return m_tray != nullptr; }

public Q_SLOTS:
    // Does nothing when no system tray is available.
    void notify(const QString &title, const QString &message);
    // Shaped for ApprovalsPanel::newApproval.
    void notifyApproval(qint64 id, const QString &summary);

Q_SIGNALS:
    // The user clicked the notification.
    void activated();

private:
    QSystemTrayIcon *m_tray = nullptr;
};

} // namespace osh::ui
