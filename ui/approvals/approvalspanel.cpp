#include "approvals/approvalspanel.h"

#include "approvals/approvalsmodel.h"
#include "service/serviceclient.h"
#include "service/servicerecords.h"

#include "audit/auditstore.h"
#include "session/heldparameters.h"
#include "util/qtext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
// A recorded JSON text for reading, "-" when there is none.
QString shownJson(const std::string &text)
{
    return text.empty() ? QStringLiteral("-") : prettyJson(text);
}

// One "name: value" line per parameter (strings unquoted, the rest as
// compact JSON), which wraps readably in a narrow dock; other JSON pretty-printed.
// A held action's text as the approver must read it: the agent chose it, so
// line breaks, control and format characters (bidirectional overrides,
// zero-width characters) are shown as escapes and cannot forge a line such
// as "to: someone" or disguise an address.
QString visible(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else if (c == QLatin1Char('\r'))
            out += QStringLiteral("\\r");
        else if (c == QLatin1Char('\t'))
            out += QStringLiteral("\\t");
        else if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
                 || c.category() == QChar::Separator_Line || c.category() == QChar::Separator_Paragraph)
            out += QStringLiteral("\\u") + QString::number(c.unicode(), 16).toUpper().rightJustified(4, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QString parameterLines(const std::string &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text));
    if (!doc.isObject())
        return prettyJson(text);
    const QJsonObject o = doc.object();
    if (o.isEmpty())
        return QStringLiteral("-");
    QStringList lines;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QJsonValue v = it.value();
        QString value;
        if (v.isString())
            value = v.toString();
        else if (v.isObject())
            value = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        else if (v.isArray())
            value = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        else
            value = QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        lines << visible(it.key()) + QStringLiteral(": ") + visible(value);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

ApprovalsPanel::ApprovalsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new ApprovalsModel(this))
    , m_view(new QTableView(this))
    , m_parametersState(new QLabel(this))
    , m_parameters(new QPlainTextEdit(this))
    , m_details(new QPlainTextEdit(this))
    , m_note(new QLineEdit(this))
    , m_approve(new QPushButton(tr("&Approve"), this))
    , m_deny(new QPushButton(tr("&Deny"), this))
    , m_message(new QLabel(this))
    , m_timer(new QTimer(this))
    , m_confirmationTimer(new QTimer(this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setObjectName(QStringLiteral("approvalsView"));
    m_view->horizontalHeader()->setMinimumSectionSize(40);
    // What is asked comes before whose session it is: at the dock's default
    // width the id, the age and the tool show whole (the details below the
    // table have every field).
    auto *header = m_view->horizontalHeader();
    header->moveSection(header->visualIndex(ApprovalsModel::ToolColumn), ApprovalsModel::SessionColumn);
    for (const int column : {ApprovalsModel::IdColumn, ApprovalsModel::AgeColumn, ApprovalsModel::ToolColumn})
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_view->setWordWrap(false);
    m_parametersState->setObjectName(QStringLiteral("approvalParametersState"));
    m_parametersState->setWordWrap(true);
    m_parameters->setObjectName(QStringLiteral("approvalParameters"));
    m_parameters->setReadOnly(true);
    m_parameters->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_parameters->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_details->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_details->setObjectName(QStringLiteral("approvalDetails"));
    m_details->setPlaceholderText(tr("Select a held action to see its request and decision."));
    m_note->setPlaceholderText(tr("Note (optional, recorded with the verdict)"));
    m_note->setObjectName(QStringLiteral("approvalNote"));
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_deny->setObjectName(QStringLiteral("denyButton"));
    m_message->setObjectName(QStringLiteral("approvalsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *parameters = new QWidget(this);
    auto *parametersLayout = new QVBoxLayout(parameters);
    parametersLayout->setContentsMargins(0, 0, 0, 0);
    parametersLayout->addWidget(m_parametersState);
    parametersLayout->addWidget(m_parameters, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(m_view);
    split->addWidget(parameters);
    split->addWidget(m_details);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 1);
    // The note gets a row of its own so a narrow dock never cuts it.
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_approve);
    buttons->addWidget(m_deny);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_note);
    layout->addLayout(buttons);
    layout->addWidget(m_message);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ApprovalsPanel::showSelected);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ApprovalsPanel::showSelected);
    // Polls bring the real parameters, or take them away once decided.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
        if (roles.contains(ApprovalsModel::RealStatusRole))
            showSelected();
    });
    connect(m_approve, &QPushButton::clicked, this, &ApprovalsPanel::approveSelected);
    connect(m_deny, &QPushButton::clicked, this, &ApprovalsPanel::denySelected);
    connect(m_timer, &QTimer::timeout, this, &ApprovalsPanel::refresh);
    m_confirmationTimer->setSingleShot(true);
    m_confirmationTimer->setInterval(8000);
    connect(m_confirmationTimer, &QTimer::timeout, m_message, &QLabel::clear);
    m_timer->setInterval(kDefaultPollMs);
    showSelected();
}

void ApprovalsPanel::setStore(osh::AuditStore *store) { setSource(store, nullptr); }

void ApprovalsPanel::setService(ServiceClient *client) { setSource(nullptr, client); }

void ApprovalsPanel::setSource(osh::AuditStore *store, ServiceClient *client)
{
    // What was said of the previous source's approvals goes with it.
    m_confirmationTimer->stop();
    m_message->clear();
    m_store = store;
    m_client = client;
    m_seen.clear();
    m_model->setApprovals({}, AuditStore::now());
    showSelected();
    if (m_store || m_client) {
        refresh();
        m_timer->start();
        return;
    }
    m_timer->stop();
    if (m_lastCount != 0) {
        m_lastCount = 0;
        Q_EMIT pendingCountChanged(0);
    }
}

QString ApprovalsPanel::messageText() const { return m_message->text(); }

void ApprovalsPanel::setPollInterval(int ms) { m_timer->setInterval(std::max(50, ms)); }

void ApprovalsPanel::setConfirmationTimeout(int ms) { m_confirmationTimer->setInterval(std::max(1, ms)); }

void ApprovalsPanel::showConfirmation(const QString &text)
{
    m_message->setStyleSheet(QString());
    m_message->setText(text);
    m_confirmationTimer->start();
}

QSize ApprovalsPanel::sizeHint() const
{
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    return {std::max(minimumSizeHint().width(), 40 * em), std::max(QWidget::sizeHint().height(), 30 * fontMetrics().height())};
}

QSize ApprovalsPanel::minimumSizeHint() const
{
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    return {std::max(QWidget::minimumSizeHint().width(), 26 * em), QWidget::minimumSizeHint().height()};
}

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
    if (m_client) {
        // One poll at a time: a slow service is not asked again meanwhile.
        if (m_pollInFlight)
            return;
        m_pollInFlight = true;
        m_client->get<records::ApprovalList>(QStringLiteral("/v1/approvals"), this, &records::approvalList,
                                             [this](std::optional<records::ApprovalList> pending, const QString &error) {
            m_pollInFlight = false;
            if (!m_client)
                return;
            if (!pending) {
                m_pollFailed = true;
                showError(tr("Cannot read the pending approvals: %1").arg(error));
                return;
            }
            if (m_pollFailed) {
                m_pollFailed = false;
                m_message->clear();
            }
            applyPending(std::move(pending->approvals), std::move(pending->real));
        }, 10000);
        return;
    }
    if (!m_store)
        return;
    std::string error;
    auto pending = m_store->pendingApprovals(&error);
    if (!error.empty()) {
        showError(tr("Cannot read the pending approvals: %1").arg(QString::fromStdString(error)));
        return;
    }
    // This process holds the parameters of the sessions it runs (the
    // launcher's); whoever can resolve through this store may see them.
    records::RealParametersById real;
    for (const auto &a : pending) {
        records::RealParameters p;
        if (auto held = runtime::HeldParameters::instance().find(a.sessionId, a.id)) {
            p.status = records::RealParameters::Status::Available;
            p.json = std::move(*held);
        }
        real[a.id] = std::move(p);
    }
    applyPending(std::move(pending), std::move(real));
}

void ApprovalsPanel::applyPending(std::vector<ApprovalRecord> pending, records::RealParametersById real)
{
    std::vector<std::pair<qint64, QString>> fresh;
    for (const auto &a : pending)
        if (!m_seen.contains(a.id)) {
            m_seen.insert(a.id);
            fresh.emplace_back(a.id, tr("%1 held by %2: %3")
                                         .arg(QString::fromStdString(a.tool),
                                              QString::fromStdString(a.policy.empty() ? a.queue : a.policy),
                                              QString::fromStdString(a.message)));
        }
    m_model->setApprovals(std::move(pending), AuditStore::now(), std::move(real));
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
        m_parametersState->clear();
        m_parameters->clear();
        m_details->clear();
        return;
    }
    const int row = m_model->rowOf(id);
    const ApprovalRecord &a = m_model->record(row);
    const records::RealParameters real = m_model->realParameters(row);
    using Status = records::RealParameters::Status;
    QString state;
    QString parameters;
    switch (real.status) {
    case Status::Available:
        state = tr("Parameters as the agent sent them (kept in memory until decided; the audit log has them redacted):");
        parameters = parameterLines(real.json);
        break;
    case Status::Withheld:
        state = tr("Only approvers may see the real parameters. Redacted:");
        break;
    case Status::HeldElsewhere:
        state = tr("Real parameters held by host %1, not here. Redacted:").arg(QString::fromStdString(real.heldBy));
        break;
    case Status::Unavailable:
        state = tr("Real parameters not available here (held by another process, or lost when it restarted). Redacted:");
        break;
    }
    if (real.status != Status::Available)
        parameters = parameterLines(a.parameters);
    if (m_parametersState->text() != state)
        m_parametersState->setText(state);
    if (m_parameters->toPlainText() != parameters)
        m_parameters->setPlainText(parameters);
    QString text = tr("Approval #%1 of session %2 (queue %3, policy %4)\n%5\n\nParameters (redacted):\n%6\n\nRequest:\n%7\n\nDecision:\n%8")
                       .arg(QString::number(a.id), QString::fromStdString(a.sessionId), QString::fromStdString(a.queue),
                            QString::fromStdString(a.policy), QString::fromStdString(a.message), shownJson(a.parameters),
                            shownJson(a.request), shownJson(a.decision));
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
    if (id < 0 || (!m_store && !m_client)) {
        showError(tr("Select a held action first."));
        return false;
    }
    if (m_client) {
        const QJsonObject body{{QStringLiteral("note"), m_note->text()}};
        const QString target = QStringLiteral("/v1/approvals/%1/%2").arg(id).arg(approve ? QStringLiteral("approve") : QStringLiteral("deny"));
        m_approve->setEnabled(false);
        m_deny->setEnabled(false);
        m_client->call(QStringLiteral("POST"), target, QJsonDocument(body).toJson(QJsonDocument::Compact), this,
                       [this, id, approve](const ServiceReply &r) {
                           QString text;
                           if (r.ok()) {
                               text = approve ? tr("Approved #%1.").arg(id) : tr("Denied #%1.").arg(id);
                               showConfirmation(text);
                               m_note->clear();
                           } else {
                               // 403: not an approver; 409: someone (or the timeout) got there first.
                               text = tr("Cannot resolve approval #%1: %2").arg(id).arg(r.message());
                               showError(text);
                           }
                           showSelected();
                           refresh();
                           Q_EMIT resolved(id, r.ok(), text);
                       });
        return true;
    }
    std::string error;
    if (!m_store->resolveApproval(id, approve, m_note->text().toStdString(), resolverName().toStdString(), &error)) {
        // Most often someone else (osctl approvals, the timeout) got there first.
        showError(error.empty() ? tr("Approval #%1 is no longer pending.").arg(id)
                                : tr("Cannot resolve approval #%1: %2").arg(id).arg(QString::fromStdString(error)));
        refresh();
        return false;
    }
    showConfirmation(approve ? tr("Approved #%1.").arg(id) : tr("Denied #%1.").arg(id));
    m_note->clear();
    refresh();
    return true;
}

} // namespace osh::ui
