#pragma once
// What a contains_pii()/pii_count() call found, and why, in words: one
// entry of a decision trace's "pii" object (docs/policy-format.md, "Trace"),
// shown the same way by the simulator's trace and the replay's details.

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace osh::ui {

struct PiiFindingText
{
    QString what; // "credit_card in .body, bytes 5-24"
    QString why;  // "Luhn check digit (visa) · read through: split over a line break"
};

class PiiFindingWords
{
    Q_DECLARE_TR_FUNCTIONS(PiiFindingWords)

public:
    static PiiFindingText of(const QJsonObject &finding);
    // Every finding of one call (the value under the call's text).
    static QList<PiiFindingText> ofAll(const QJsonArray &findings);
};

} // namespace osh::ui
