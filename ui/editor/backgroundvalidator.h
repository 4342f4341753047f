#pragma once
// Runs PolicyValidator on a worker thread so typing never waits for it.
// Every request gets a generation; a request superseded before the worker
// reaches it is skipped, and the owner drops results that are not the
// latest generation (see PolicyEditor::applyValidation).

#include "model/policyloader.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace osh::ui {

class BackgroundValidator : public QObject
{
    Q_OBJECT

public:
    explicit BackgroundValidator(QObject *parent = nullptr);
    ~BackgroundValidator() override;

    // Queues a validation of utf8 and returns its generation.
    quint64 request(QByteArray utf8, const QString &fileName);
    // Claims a generation for a validation done elsewhere (synchronously),
    // so that queued results older than it are dropped.
    quint64 claim() { return ++m_latest; }
    quint64 latest() const { return m_latest.load(); }

Q_SIGNALS:
    // Emitted in the owner's thread.
    void finished(quint64 generation, std::shared_ptr<const osh::LoadResult> result);

private:
    QThread m_thread;
    std::unique_ptr<QObject> m_context; // lives in m_thread; runs the requests
    std::atomic<quint64> m_latest{0};
};

// Validation with the options the studio uses for a file (or none).
LoadResult validatePolicyText(const QByteArray &utf8, const QString &fileName);

} // namespace osh::ui
