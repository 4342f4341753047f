#include "approvalspanel.h"

#include "approvalsmodel.h"

#include "audit/auditstore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

#include <pwd.h>
#include <unistd.h>

namespace osh::ui {

namespace {

// Pretty-printed when it is JSON, as stored otherwise.
QString prettyJson(const std::string &text)
{
    if (text.empty())
        return QStringLiteral("-");
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text));
    if (doc.isNull())
        return QString::fromStdString(text);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace

ApprovalsPanel::ApprovalsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new ApprovalsModel(this))
    , m_view(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
    , m_note(new QLineEdit(this))
    , m_approve(new QPushButton(tr("&Approve"), this))
    , m_deny(new QPushButton(tr("&Deny"), this))
    , m_message(new QLabel(this))
    , m_timer(new QTimer(this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setObjectName(QStringLiteral("approvalsView"));
    m_details->setReadOnly(true);
    m_details->setObjectName(QStringLiteral("approvalDetails"));
    m_details->setPlaceholderText(tr("Select a held action to see its request and decision."));
    m_note->setPlaceholderText(tr("Note (optional, recorded with the verdict)"));
    m_note->setObjectName(QStringLiteral("approvalNote"));
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_deny->setObjectName(QStringLiteral("denyButton"));
    m_message->setObjectName(QStringLiteral("approvalsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_note, 1);
    buttons->addWidget(m_approve);
    buttons->addWidget(m_deny);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_message);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ApprovalsPanel::showSelected);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ApprovalsPanel::showSelected);
    connect(m_approve, &QPushButton::clicked, this, &ApprovalsPanel::approveSelected);
    connect(m_deny, &QPushButton::clicked, this, &ApprovalsPanel::denySelected);
    connect(m_timer, &QTimer::timeout, this, &ApprovalsPanel::refresh);
    m_timer->setInterval(kDefaultPollMs);
    showSelected();
}

void ApprovalsPanel::setStore(osh::AuditStore *store)
{
    m_store = store;
    m_seen.clear();
    m_model->setApprovals({}, AuditStore::now());
    if (m_store) {
        refresh();
        m_timer->start();
    } else {
        m_timer->stop();
        if (m_lastCount != 0) {
            m_lastCount = 0;
            Q_EMIT pendingCountChanged(0);
        }
    }
}

void ApprovalsPanel::setPollInterval(int ms) { m_timer->setInterval(std::max(50, ms)); }

int ApprovalsPanel::pendingCount() const { return m_model->rowCount(); }

QString ApprovalsPanel::resolverName()
{
    // getlogin() needs a controlling terminal, which a desktop session may lack.
    if (const passwd *pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("uid %1").arg(::geteuid()) : user;
}

void ApprovalsPanel::refresh()
{
    if (!m_store)
        return;
    std::string error;
    auto pending = m_store->pendingApprovals(&error);
    if (!error.empty()) {
        showError(tr("Cannot read the pending approvals: %1").arg(QString::fromStdString(error)));
        return;
    }
    std::vector<std::pair<qint64, QString>> fresh;
    for (const auto &a : pending)
        if (!m_seen.contains(a.id)) {
            m_seen.insert(a.id);
            fresh.emplace_back(a.id, tr("%1 held by %2: %3")
                                         .arg(QString::fromStdString(a.tool),
                                              QString::fromStdString(a.policy.empty() ? a.queue : a.policy),
                                              QString::fromStdString(a.message)));
        }
    m_model->setApprovals(std::move(pending), AuditStore::now());
    if (m_view->selectionModel()->selectedRows().isEmpty() && m_model->rowCount() > 0)
        m_view->selectRow(0);
    const int count = m_model->rowCount();
    if (count != m_lastCount) {
        m_lastCount = count;
        Q_EMIT pendingCountChanged(count);
    }
    for (const auto &[id, summary] : fresh)
        Q_EMIT newApproval(id, summary);
}

qint64 ApprovalsPanel::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    return m_model->record(rows.first().row()).id;
}

bool ApprovalsPanel::selectId(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_view->selectRow(row);
    return true;
}

void ApprovalsPanel::showSelected()
{
    const qint64 id = selectedId();
    m_approve->setEnabled(id >= 0);
    m_deny->setEnabled(id >= 0);
    if (id < 0) {
        m_details->clear();
        return;
    }
    const ApprovalRecord &a = m_model->record(m_model->rowOf(id));
    QString text = tr("Approval #%1 of session %2 (queue %3, policy %4)\n%5\n\nParameters (redacted):\n%6\n\nRequest:\n%7\n\nDecision:\n%8")
                       .arg(QString::number(a.id), QString::fromStdString(a.sessionId), QString::fromStdString(a.queue),
                            QString::fromStdString(a.policy), QString::fromStdString(a.message), prettyJson(a.parameters),
                            prettyJson(a.request), prettyJson(a.decision));
    if (m_details->toPlainText() != text)
        m_details->setPlainText(text);
}

void ApprovalsPanel::showError(const QString &message)
{
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->setText(message);
}

bool ApprovalsPanel::approveSelected() { return resolveSelected(true); }

bool ApprovalsPanel::denySelected() { return resolveSelected(false); }

bool ApprovalsPanel::resolveSelected(bool approve)
{
    const qint64 id = selectedId();
    if (id < 0 || !m_store) {
        showError(tr("Select a held action first."));
        return false;
    }
    std::string error;
    if (!m_store->resolveApproval(id, approve, m_note->text().toStdString(), resolverName().toStdString(), &error)) {
        // Most often someone else (osctl approvals, the timeout) got there first.
        showError(error.empty() ? tr("Approval #%1 is no longer pending.").arg(id)
                                : tr("Cannot resolve approval #%1: %2").arg(id).arg(QString::fromStdString(error)));
        refresh();
        return false;
    }
    m_message->setStyleSheet(QString());
    m_message->setText(approve ? tr("Approved #%1.").arg(id) : tr("Denied #%1.").arg(id));
    m_note->clear();
    refresh();
    return true;
}

} // namespace osh::ui
