#pragma once
// The results of a workspace's policy tests: one row per case, plus one
// row per test file that could not run, with typed roles for details.

#include "testsuite/workspacetests.h"

#include <QAbstractTableModel>

namespace osh::ui {

class TestResultsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role {
        StatusRole = Qt::UserRole + 1, // Status as int
        FileRole,                      // the test file
        CaseNameRole,
        FailuresRole,   // QStringList, "decision: expected block, got allow"
        ExpectedRole,   // one-line expectation
        ActualRole,     // the same fields of the decision
        DecisionRole,   // the decision JSON
        RequestRole,    // the request JSON
        DiagnosticsRole // QStringList, for files that could not run
    };
    enum Status { Passed, Failed, FileError };
    enum Column { StatusColumn, CaseColumn, FileColumn, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setResult(WorkspaceTestResult result);
    const WorkspaceTestResult &result() const { return m_result; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row
    {
        std::size_t suite;
        int testCase; // -1: the file could not run
    };

    WorkspaceTestResult m_result;
    std::vector<Row> m_rows;
};

} // namespace osh::ui
