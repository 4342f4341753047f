#pragma once
// Monochrome SVG icons from the resources (:/icons/<alias>) drawn in the
// application palette's text colour at paint time, so one set of SVGs reads
// in the light and the dark theme and stays sharp at any device pixel ratio.
// The SVGs stroke with `currentColor`; this engine substitutes the colour.

#include <QIcon>
#include <QString>

namespace osh::ui {

// themedIcon(QStringLiteral("save.svg")); a null icon when the alias is not
// in the resources.
QIcon themedIcon(const QString &alias);

} // namespace osh::ui
