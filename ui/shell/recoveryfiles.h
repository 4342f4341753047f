#pragma once
// Unsaved edits kept aside while the studio runs, so that a crash, a killed
// session or a power cut loses at most the last seconds of work. One file
// per policy, in $XDG_DATA_HOME/openshell/recovery (0700), named by a hash of
// the policy's absolute path and holding the path, the time and the edited
// text as JSON (0600: a policy may name internal hosts). A file is removed
// when its edits are saved or discarded; one left behind means the studio
// did not close normally, and opening the policy offers its edits back.

#include <QDateTime>
#include <QString>

#include <optional>

namespace osh::ui {

struct RecoveredEdits
{
    QString text;
    QDateTime savedAt;
};

class RecoveryFiles
{
public:
    // The folder; created (0700) when writing.
    static QString folder();
    static QString fileFor(const QString &policy);
    // Keeps text as policy's unsaved edits; false with *error when it cannot.
    static bool write(const QString &policy, const QString &text, QString *error);
    // The edits kept for policy; nullopt when none (or unreadable, or kept
    // for another path that hashes the same).
    static std::optional<RecoveredEdits> read(const QString &policy);
    static void remove(const QString &policy);
};

} // namespace osh::ui
