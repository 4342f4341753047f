#pragma once
// What committing a policy file would change, for the Commit… dialog: the
// semantic diff from the committed (HEAD) version to the one being
// committed, and the warnings worth a second look before committing:
// requests that are newly allowed (the diff's newly-allowed changes and
// policies whose outcome got looser), policy tests of the workspace that
// pass with HEAD and fail with the new version, and block policies that an
// earlier policy now shadows (the validator's W065). No widgets: the
// History panel computes it, the dialog shows it, tests check it directly.

#include "diff/semanticdiff.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

namespace osh::ui {

struct CommitWarning
{
    enum class Kind { DoesNotLoad, NewlyAllowed, TestFails, UnreachableBlock };
    Kind kind = Kind::NewlyAllowed;
    QString text; // one sentence, translated
};

struct CommitReview
{
    Q_DECLARE_TR_FUNCTIONS(CommitReview)

public:
    // The diff HEAD → new version; empty when there is no committed version
    // or either version does not load (diffNote says which).
    std::optional<diff::SemanticDiff> diff;
    QString diffNote;
    QList<CommitWarning> warnings;
    int testCases = 0; // cases run against the new version

    bool hasWarnings() const { return !warnings.isEmpty(); }
    QList<CommitWarning> warningsOf(CommitWarning::Kind kind) const;

    // head: the file's committed content (nullopt: not committed yet); next:
    // the content being committed; file: its absolute path; workspaceDir:
    // where tests/*.yaml are looked for (empty: the file's folder).
    static CommitReview review(const std::optional<QByteArray> &head, const QByteArray &next, const QString &file,
                               const QString &workspaceDir);
};

} // namespace osh::ui
