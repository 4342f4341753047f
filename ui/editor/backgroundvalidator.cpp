#include "editor/backgroundvalidator.h"

#include "model/policyvalidator.h"

namespace osh::ui {

LoadResult validatePolicyText(const QByteArray &utf8, const QString &fileName)
{
    ValidationOptions opt;
    if (!fileName.isEmpty())
        opt.baseDir = fileName.section(QLatin1Char('/'), 0, -2).toStdString();
    return PolicyValidator::checkText(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())),
                                      fileName.toStdString(), opt);
}

BackgroundValidator::BackgroundValidator(QObject *parent) : QObject(parent), m_context(std::make_unique<QObject>())
{
    m_thread.setObjectName(QStringLiteral("policy-validator"));
    m_context->moveToThread(&m_thread);
    m_thread.start();
}

BackgroundValidator::~BackgroundValidator()
{
    // Joining first means no result can be posted to a dead owner.
    m_thread.quit();
    m_thread.wait();
}

quint64 BackgroundValidator::request(QByteArray utf8, const QString &fileName)
{
    const quint64 generation = ++m_latest;
    QMetaObject::invokeMethod(
        m_context.get(),
        [this, generation, utf8 = std::move(utf8), fileName] {
            if (generation != m_latest.load())
                return; // a newer edit is queued behind this one
            auto result = std::make_shared<const LoadResult>(validatePolicyText(utf8, fileName));
            QMetaObject::invokeMethod(
                this, [this, generation, result] { Q_EMIT finished(generation, result); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return generation;
}

} // namespace osh::ui
