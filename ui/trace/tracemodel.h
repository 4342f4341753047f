#pragma once
// A decision's trace as a tree: one row per layer consulted and per policy
// evaluated; a policy's children are the variables it read (path -> value)
// and, when it could not be evaluated, the error and whether it failed closed.
// Consecutive policies the index skipped are one collapsed row whose
// children name them (a full trace) or give their number (a decisive one).
// The step that decided (the deciding policy, or the layer that blocked) is
// marked (DecidingRole, bold, tinted in the outcome's colour). Filled from a
// Decision (the simulator) or from its JSON as the audit records it (replay).

#include "engine/decision.h"
#include "engine/request.h"

#include <QAbstractItemModel>
#include <QJsonArray>

#include <vector>

namespace osh::ui {

class TraceModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role {
        KindRole = Qt::UserRole + 1, // Kind as int
        LayerRole,                   // "sandbox", "network", "filesystem", "policy"
        PolicyRole,                  // policy rows: the policy's name
        MatchedRole,                 // policy rows: bool
        AllowedRole,                 // layer rows: bool
        RuleRole,                    // layer rows: 0-based rule index, or -1
        PathRole,                    // read rows: the variable path; skipped rows: the indexed variable
        ValueRole,                   // read rows: the value as JSON; PII rows: the finding as JSON
        DecidingRole,                // top-level rows: bool, the step that decided
    };
    enum Kind { LayerRow, PolicyRow, ReadRow, ErrorRow, FailClosedRow, SkippedRow, SkippedPolicyRow, PiiRow };
    enum Column { StepColumn, ResultColumn, ColumnCount };

    using QAbstractItemModel::QAbstractItemModel;

    // request: the decided request, for the value the index looked up.
    void setDecision(const Decision &decision, const Request *request = nullptr);
    // A decision as JSON (Decision::toJson(), what the audit's trace column
    // holds, or its bare "trace" array). The deciding layer, policy and
    // outcome default to the JSON's own "layer", "policy" and "decision"
    // (or "outcome"). False, and nothing shown, when it is no trace.
    bool setTraceJson(const QByteArray &json, const QString &layer = {}, const QString &policy = {},
                      const QString &outcome = {});
    void clear();

    // The deciding step (column 0), invalid when no step decided (an allow
    // that no policy matched).
    QModelIndex decidingIndex() const;
    QString outcome() const { return m_outcome; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Child
    {
        Kind kind;
        QString label;
        QString value;
        QString tip; // empty: the value
        QString json; // PiiRow: the finding
    };
    struct Step
    {
        Kind kind;
        QString layer;
        QString policy;
        bool matched = false;
        bool allowed = true;
        int rule = -1;
        int skipped = 0; // SkippedRow: how many policies
        QString detail;
        std::vector<Child> children;
    };

    QVariant stepData(const Step &s, int column, int role) const;
    QVariant decidingData(const Step &s, int column, int role) const;
    QVariant childData(const Child &c, int column, int role) const;
    // A policy the index skipped (count 0) or a run of count of them, joined
    // to the previous row when it is the same variable's.
    void addSkipped(const QString &var, const QString &detail, int count, const QString &policy);
    void addPiiFindings(Step &s, const QString &path, const QJsonArray &findings);
    void markDeciding(const QString &layer, const QString &policy);

    // Copied out of the Decision: its trace points into the engine's document.
    std::vector<Step> m_steps;
    int m_deciding = -1;
    QString m_outcome;
};

} // namespace osh::ui
