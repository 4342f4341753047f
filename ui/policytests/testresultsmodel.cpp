#include "policytests/testresultsmodel.h"

#include "util/qtext.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>

namespace osh::ui {

namespace {

QStringList toList(const std::vector<std::string> &v)
{
    QStringList l;
    for (const auto &s : v)
        l << qs(s);
    return l;
}

} // namespace

void TestResultsModel::setResult(WorkspaceTestResult result)
{
    beginResetModel();
    m_result = std::move(result);
    m_rows.clear();
    for (std::size_t s = 0; s < m_result.suites.size(); ++s) {
        const auto &suite = m_result.suites[s];
        if (!suite.ran)
            m_rows.push_back({s, -1});
        for (std::size_t c = 0; c < suite.cases.size(); ++c)
            m_rows.push_back({s, static_cast<int>(c)});
    }
    endResetModel();
}

int TestResultsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TestResultsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TestResultsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StatusColumn: return tr("Status");
    case CaseColumn: return tr("Case");
    case FileColumn: return tr("File");
    default: return {};
    }
}

QVariant TestResultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    const SuiteResult &suite = m_result.suites[row.suite];
    const CaseResult *c = row.testCase >= 0 ? &suite.cases[static_cast<std::size_t>(row.testCase)] : nullptr;
    const Status status = !c ? FileError : c->passed ? Passed : Failed;

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StatusColumn: return status == Passed ? tr("PASS") : status == Failed ? tr("FAIL") : tr("ERROR");
        case CaseColumn: return c ? qs(c->name) : tr("(the file could not run)");
        case FileColumn: return QFileInfo(qs(suite.file)).fileName();
        default: return {};
        }
    case Qt::ForegroundRole:
        if (index.column() != StatusColumn)
            return {};
        return QBrush(status == Passed ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
    case Qt::ToolTipRole:
        if (c)
            return c->passed ? QVariant() : QVariant(toList(c->failures).join(QLatin1Char('\n')));
        [[fallthrough]];
    case DiagnosticsRole: {
        QStringList l;
        for (const auto &d : suite.diagnostics)
            l << qs(d.format());
        return role == DiagnosticsRole ? QVariant(l) : QVariant(l.join(QLatin1Char('\n')));
    }
    case StatusRole: return static_cast<int>(status);
    case FileRole: return qs(suite.file);
    case CaseNameRole: return c ? QVariant(qs(c->name)) : QVariant();
    case FailuresRole: return c ? QVariant(toList(c->failures)) : QVariant();
    case ExpectedRole: return c ? QVariant(qs(c->expected)) : QVariant();
    case ActualRole: return c ? QVariant(qs(c->actual)) : QVariant();
    case DecisionRole: return c ? QVariant(qs(c->decisionJson)) : QVariant();
    case RequestRole: return c ? QVariant(qs(c->requestJson)) : QVariant();
    default: return {};
    }
}

} // namespace osh::ui
