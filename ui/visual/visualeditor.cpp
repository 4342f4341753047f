#include "visualeditor.h"

#include "editor/policyeditor.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace osh::ui {

namespace {

using Kind = SequenceModel::Kind;
using FKind = FormBinder::Kind;

const QStringList kTriggers{QStringLiteral("tool_call"), QStringLiteral("data_output"),
                            QStringLiteral("agent_response"), QStringLiteral("network_egress"),
                            QStringLiteral("file_access")};
const QStringList kActions{QStringLiteral("allow"),  QStringLiteral("log"),      QStringLiteral("block"),
                           QStringLiteral("redact"), QStringLiteral("throttle"), QStringLiteral("escalate")};
const QStringList kBool{QStringLiteral("true"), QStringLiteral("false")};

QGroupBox *group(const QString &title, QFormLayout *&form, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    form = new QFormLayout(box);
    return box;
}

// A wrapped label: its one-line width must not set the visual editor's minimum.
QLabel *note(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    return label;
}

QWidget *scrolled(QWidget *content, QWidget *parent)
{
    auto *area = new QScrollArea(parent);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setWidget(content);
    return area;
}

} // namespace

VisualEditor::VisualEditor(QWidget *parent)
    : QWidget(parent)
    , m_message(new QLabel(this))
    , m_shadowWarning(new QLabel(this))
    , m_sections(new QTabWidget(this))
    , m_policies(new SequenceModel({"policies"},
                                   {{QStringLiteral("name"), tr("Name"), Kind::Text, {}},
                                    {QStringLiteral("trigger"), tr("Trigger"), Kind::Plain, {}},
                                    {QStringLiteral("action"), tr("Action"), Kind::Plain, {}},
                                    {QStringLiteral("condition"), tr("Condition"), Kind::Text, {}},
                                    {QStringLiteral("message"), tr("Message"), Kind::Text, {}}},
                                   this))
    , m_networkRules(new SequenceModel({"network", "rules"},
                                       {{QStringLiteral("tool"), tr("Tool"), Kind::Text, {}},
                                        {QStringLiteral("allowed_hosts"), tr("Hosts"), Kind::TextList, {}},
                                        {QStringLiteral("allowed_ports"), tr("Ports"), Kind::PlainList,
                                         QStringLiteral("443")},
                                        {QStringLiteral("protocol"), tr("Protocol"), Kind::Plain,
                                         QStringLiteral("https")},
                                        {QStringLiteral("tls_required"), tr("TLS"), Kind::Plain,
                                         tr("by protocol")},
                                        {QStringLiteral("rate_limit"), tr("Rate limit"), Kind::Text, tr("none")},
                                        {QStringLiteral("max_request_size_kb"), tr("Max request KB"),
                                         Kind::Plain, tr("none")},
                                        {QStringLiteral("max_response_size_mb"), tr("Max response MB"),
                                         Kind::Plain, tr("none")}},
                                       this))
    , m_filesystemRules(new SequenceModel({"filesystem", "rules"},
                                          {{QStringLiteral("path"), tr("Path"), Kind::Text, {}},
                                           {QStringLiteral("permissions"), tr("Permissions"), Kind::Plain, {}},
                                           {QStringLiteral("source"), tr("Source"), Kind::Text, tr("private")},
                                           {QStringLiteral("allowed_extensions"), tr("Extensions"),
                                            Kind::TextList, tr("any")},
                                           {QStringLiteral("max_file_size_mb"), tr("Max file MB"), Kind::Plain,
                                            tr("none")},
                                           {QStringLiteral("max_total_size_mb"), tr("Max total MB"), Kind::Plain,
                                            tr("none")},
                                           {QStringLiteral("block_symlinks"), tr("Block symlinks"), Kind::Plain,
                                            QStringLiteral("true")}},
                                          this))
    , m_environment(new MapModel({"sandbox", "environment"}, tr("Variable"), tr("Value"), this))
    , m_hosts(new MapModel({"network", "hosts"}, tr("Host"), tr("Address"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_message->setObjectName(QStringLiteral("visualMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #5c4400; padding: 4px; }"));
    m_message->hide();
    layout->addWidget(m_message);
    m_shadowWarning->setObjectName(QStringLiteral("shadowWarning"));
    m_shadowWarning->setWordWrap(true);
    m_shadowWarning->setTextFormat(Qt::PlainText);
    m_shadowWarning->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #6b1410; padding: 4px; }"));
    m_shadowWarning->hide();
    layout->addWidget(m_shadowWarning);
    layout->addWidget(m_sections);

    const EditApplier apply = [this](const edit::EditResult &r) { return applyEdit(r); };
    for (auto *m : {m_policies, m_networkRules, m_filesystemRules})
        m->setApplier(apply);
    m_environment->setApplier(apply);
    m_hosts->setApplier(apply);

    m_sections->addTab(buildDocumentPage(), tr("Sandbox"));
    m_sections->addTab(buildNetworkPage(), tr("Network"));
    m_sections->addTab(buildFilesystemPage(), tr("Filesystem"));
    m_sections->addTab(buildPoliciesPage(), tr("Policies"));
    for (auto *f : {m_documentForm, m_sandboxForm, m_networkForm, m_filesystemForm, m_policyForm})
        f->setApplier(apply);
}

VisualEditor::~VisualEditor()
{
    // Closing the window moves the focus out of a field, which would commit
    // it: nothing may reach this half-destroyed editor any more.
    for (auto *m : {m_policies, m_networkRules, m_filesystemRules})
        m->setApplier({});
    m_environment->setApplier({});
    m_hosts->setApplier({});
    for (auto *f : {m_documentForm, m_sandboxForm, m_networkForm, m_filesystemForm, m_policyForm})
        f->setApplier({});
    if (m_text)
        disconnect(m_text, nullptr, this, nullptr);
}

QWidget *VisualEditor::buildDocumentPage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    QFormLayout *form = nullptr;
    v->addWidget(group(tr("Document"), form, page));
    m_documentForm = new FormBinder(form, {}, this);
    m_documentForm->addLine(QStringLiteral("name"), tr("Name"), FKind::Text);
    m_documentForm->addLine(QStringLiteral("description"), tr("Description"), FKind::Text);

    v->addWidget(group(tr("Sandbox"), form, page));
    m_sandboxForm = new FormBinder(form, {"sandbox"}, this);
    m_sandboxForm->addChoice(QStringLiteral("isolation"), tr("Isolation"),
                             {QStringLiteral("gvisor"), QStringLiteral("firecracker"), QStringLiteral("container")},
                             QStringLiteral("gvisor"));
    m_sandboxForm->addLine(QStringLiteral("max_memory_mb"), tr("Memory (MB)"), FKind::Plain, QStringLiteral("2048"));
    m_sandboxForm->addLine(QStringLiteral("max_cpu_cores"), tr("CPU cores"), FKind::Plain, QStringLiteral("2"));
    m_sandboxForm->addLine(QStringLiteral("max_execution_time_seconds"), tr("Time limit (s)"), FKind::Plain,
                           QStringLiteral("300"));
    m_sandboxForm->addLine(QStringLiteral("max_processes"), tr("Processes"), FKind::Plain, QStringLiteral("50"));
    m_sandboxForm->addLine(QStringLiteral("max_open_files"), tr("Open files"), FKind::Plain, QStringLiteral("100"));
    m_sandboxForm->addChoice(QStringLiteral("allow_network"), tr("Network"), kBool, QStringLiteral("true"));
    m_sandboxForm->addChoice(QStringLiteral("allow_filesystem"), tr("Filesystem"), kBool, QStringLiteral("true"));
    m_sandboxForm->addChoice(QStringLiteral("cleanup_policy"), tr("Cleanup"),
                             {QStringLiteral("destroy"), QStringLiteral("snapshot"), QStringLiteral("preserve")},
                             QStringLiteral("destroy"));
    v->addWidget(note(tr("Environment (names like *_TOKEN are flagged: values are not secret):"), page));
    v->addWidget(mapSection(m_environment, QStringLiteral("NEW_VARIABLE"), QString(), page));
    v->addStretch(1);
    return scrolled(page, this);
}

QTableView *VisualEditor::makeTable(QAbstractItemModel *model, bool reorderable)
{
    auto *view = new QTableView(this);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                          | QAbstractItemView::AnyKeyPressed);
    view->horizontalHeader()->setStretchLastSection(true);
    view->verticalHeader()->setSectionsClickable(false);
    if (reorderable) {
        view->setDragEnabled(true);
        view->setAcceptDrops(true);
        view->setDropIndicatorShown(true);
        view->setDragDropOverwriteMode(false);
        view->setDragDropMode(QAbstractItemView::InternalMove);
        view->setDefaultDropAction(Qt::MoveAction);
    }
    return view;
}

namespace {

// Add / Remove buttons under a rules table.
QWidget *rowButtons(QWidget *parent, const std::vector<std::pair<QString, std::function<void()>>> &buttons)
{
    auto *bar = new QWidget(parent);
    auto *h = new QHBoxLayout(bar);
    h->setContentsMargins(0, 0, 0, 0);
    for (const auto &[label, action] : buttons) {
        auto *b = new QPushButton(label, bar);
        QObject::connect(b, &QPushButton::clicked, bar, action);
        h->addWidget(b);
    }
    h->addStretch(1);
    return bar;
}

int currentRow(QTableView *view)
{
    const auto i = view->selectionModel() ? view->selectionModel()->currentIndex() : QModelIndex();
    return i.isValid() ? i.row() : -1;
}

} // namespace

QWidget *VisualEditor::buildNetworkPage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    QFormLayout *form = nullptr;
    v->addWidget(group(tr("Network guardian"), form, page));
    m_networkForm = new FormBinder(form, {"network"}, this);
    m_networkForm->addChoice(QStringLiteral("default_policy"), tr("Unmatched egress"),
                             {QStringLiteral("deny-all"), QStringLiteral("allow-all")}, QStringLiteral("deny-all"));
    m_networkForm->addChoice(QStringLiteral("block_private_ranges"), tr("Block private ranges"), kBool,
                             QStringLiteral("true"));
    m_networkForm->addChoice(QStringLiteral("dns_filtering"), tr("DNS filtering"), kBool, QStringLiteral("true"));
    m_networkForm->addLine(QStringLiteral("allowed_dns_servers"), tr("DNS servers"), FKind::TextList,
                           tr("the host's"));
    v->addWidget(note(tr("Egress rules (double-click a cell to edit; lists are comma-separated):"), page));
    auto *view = makeTable(m_networkRules, true);
    view->setObjectName(QStringLiteral("networkRulesView"));
    v->addWidget(view, 1);
    v->addWidget(rowButtons(page, {{tr("Add rule"),
                                    [this] {
                                        m_networkRules->insertItem(
                                            m_networkRules->rowCount(),
                                            {{"tool", edit::Value::string("agent")},
                                             {"allowed_hosts", edit::Value::list({edit::Value::string("example.com")})}});
                                    }},
                                   {tr("Remove rule"), [this, view] { m_networkRules->removeItem(currentRow(view)); }}}));
    v->addWidget(note(tr("Static host addresses (checked before DNS):"), page));
    v->addWidget(mapSection(m_hosts, QStringLiteral("host.example"), QStringLiteral("127.0.0.1"), page));
    return scrolled(page, this);
}

QWidget *VisualEditor::mapSection(MapModel *model, const QString &newKey, const QString &newValue, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    auto *view = makeTable(model, false);
    view->setMinimumHeight(110);
    v->addWidget(view);
    v->addWidget(rowButtons(box, {{tr("Add"),
                                   [model, newKey, newValue] {
                                       QString key = newKey;
                                       for (int n = 2; !model->match(model->index(0, 0), Qt::DisplayRole, key, 1,
                                                                     Qt::MatchExactly)
                                                           .isEmpty();
                                            ++n)
                                           key = newKey + QStringLiteral("_%1").arg(n);
                                       model->addEntry(key, newValue);
                                   }},
                                  {tr("Remove"), [model, view] { model->removeEntry(currentRow(view)); }}}));
    return box;
}

QWidget *VisualEditor::buildFilesystemPage()
{
    auto *page = new QWidget(this);
    auto *v = new QVBoxLayout(page);
    QFormLayout *form = nullptr;
    v->addWidget(group(tr("Filesystem controller"), form, page));
    m_filesystemForm = new FormBinder(form, {"filesystem"}, this);
    m_filesystemForm->addLine(QStringLiteral("workspace"), tr("Workspace"), FKind::Text,
                              QStringLiteral("/agent/workspace"));
    m_filesystemForm->addChoice(QStringLiteral("strict_path_validation"), tr("Strict paths"), kBool,
                                QStringLiteral("true"));
    m_filesystemForm->addChoice(QStringLiteral("audit_all_operations"), tr("Audit every operation"), kBool,
                                QStringLiteral("false"));
    v->addWidget(note(tr("Access rules (the longest matching path decides):"), page));
    auto *view = makeTable(m_filesystemRules, true);
    view->setObjectName(QStringLiteral("filesystemRulesView"));
    v->addWidget(view, 1);
    v->addWidget(rowButtons(page, {{tr("Add rule"),
                                    [this] {
                                        m_filesystemRules->insertItem(m_filesystemRules->rowCount(),
                                                                      {{"path", edit::Value::string("/agent/workspace/new")},
                                                                       {"permissions", edit::Value::plain("read")}});
                                    }},
                                   {tr("Remove rule"),
                                    [this, view] { m_filesystemRules->removeItem(currentRow(view)); }}}));
    return scrolled(page, this);
}

QWidget *VisualEditor::buildPoliciesPage()
{
    auto *split = new QSplitter(Qt::Vertical, this);
    auto *top = new QWidget(split);
    auto *v = new QVBoxLayout(top);
    v->setContentsMargins(0, 0, 0, 0);
    auto *orderNote = new QLabel(tr("Policies are tried in this order; the first whose condition holds decides. "
                                    "Drag a row to reorder."),
                                 top);
    orderNote->setWordWrap(true);
    v->addWidget(orderNote);
    m_policiesView = makeTable(m_policies, true);
    m_policiesView->setObjectName(QStringLiteral("policiesView"));
    v->addWidget(m_policiesView, 1);
    v->addWidget(rowButtons(top, {{tr("Add policy"), [this] { addPolicy(); }},
                                  {tr("Remove"), [this] { removeSelectedPolicy(); }},
                                  {tr("Move up"), [this] { moveSelectedPolicy(-1); }},
                                  {tr("Move down"), [this] { moveSelectedPolicy(1); }}}));
    connect(m_policiesView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { policySelectionChanged(); });
    // A move carries the current row along without currentRowChanged: the
    // form must follow the policy it shows, not the row number it had.
    connect(m_policies, &QAbstractItemModel::rowsMoved, this, [this] { policySelectionChanged(); });

    QFormLayout *form = nullptr;
    auto *box = group(tr("Selected policy"), form, split);
    m_policyFormBox = box;
    m_policyForm = new FormBinder(form, {"policies", 0}, this);
    m_policyForm->addLine(QStringLiteral("name"), tr("Name"), FKind::Text);
    m_policyForm->addChoice(QStringLiteral("trigger"), tr("Trigger"), kTriggers, {});
    m_policyForm->addLine(QStringLiteral("condition"), tr("Condition"), FKind::Text);
    m_policyForm->addChoice(QStringLiteral("action"), tr("Action"), kActions, {});
    m_policyForm->addLine(QStringLiteral("message"), tr("Message"), FKind::Text);
    m_policyForm->addChoice(QStringLiteral("log_level"), tr("Log level"),
                            {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                             QStringLiteral("critical")},
                            QStringLiteral("info"));
    m_policyForm->addLine(QStringLiteral("pii_types"), tr("PII types"), FKind::TextList, tr("all"));
    m_policyForm->addLine(QStringLiteral("escalation"), tr("Escalation queue"), FKind::Text, tr("none"));
    m_policyForm->addLine(QStringLiteral("delay_seconds"), tr("Delay (s)"), FKind::Plain, tr("none"));
    box->setEnabled(false);
    split->addWidget(top);
    split->addWidget(scrolled(box, split)); // the form scrolls rather than squeeze the list
    return split;
}

void VisualEditor::setTextEditor(PolicyEditor *editor)
{
    if (m_text)
        disconnect(m_text, nullptr, this, nullptr);
    m_text = editor;
    if (m_text)
        connect(m_text, &PolicyEditor::diagnosticsChanged, this, [this] { refresh(); });
    refresh();
}

QString VisualEditor::message() const
{
    return m_message->isVisible() || !m_message->isHidden() ? m_message->text() : QString();
}

QString VisualEditor::shadowWarning() const
{
    return m_shadowWarning->isHidden() ? QString() : m_shadowWarning->text();
}

void VisualEditor::updateShadowWarning(const PolicyDocument *doc)
{
    m_shadowings = policyShadowings(doc);
    QStringList lines;
    for (const auto &s : std::as_const(m_shadowings))
        lines << describeShadowing(s);
    if (!lines.isEmpty())
        lines.prepend(tr("Warning: in this order %n policy(s) can never fire. Move the narrower policy above the "
                         "one that shadows it.",
                         nullptr, int(m_shadowings.size())));
    m_shadowWarning->setText(lines.join(QLatin1Char('\n')));
    m_shadowWarning->setVisible(!lines.isEmpty());
}

void VisualEditor::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void VisualEditor::refresh()
{
    if (!m_text)
        return;
    const QByteArray utf8 = m_text->text().toUtf8();
    const auto state = std::make_shared<const VisualState>(utf8.toStdString(), m_text->diagnostics());
    updateShadowWarning(m_text->document().get());
    m_state = state;
    const bool ok = state->text.ok();
    showMessage(ok ? QString()
                   : tr("The forms follow the text again once it can be read: %1")
                         .arg(QString::fromStdString(state->text.error())));
    // Disabling may move the focus out of a field and commit it, which
    // refreshes again: a newer refresh makes this one stop.
    m_sections->setEnabled(ok);
    const int selected = selectedPolicy();
    for (auto *m : {m_policies, m_networkRules, m_filesystemRules})
        if (m_state == state)
            m->setState(state);
    for (auto *m : {m_environment, m_hosts})
        if (m_state == state)
            m->setState(state);
    for (auto *f : {m_documentForm, m_sandboxForm, m_networkForm, m_filesystemForm})
        if (m_state == state)
            f->setState(state);
    if (m_state != state)
        return;
    if (selected >= 0 && selected < m_policies->rowCount() && selectedPolicy() != selected)
        selectPolicy(selected);
    policySelectionChanged();
}

bool VisualEditor::applyEdit(const edit::EditResult &result)
{
    if (!result.ok()) {
        showMessage(QString::fromStdString(result.error));
        return false;
    }
    if (result.edit.isNoOp())
        return true;
    if (!m_text || !m_state || m_text->isReadOnly()) {
        showMessage(tr("The policy text cannot be changed."));
        return false;
    }
    if (m_text->text().toUtf8().toStdString() != m_state->text.text()) {
        // Computed on text that has changed since: catch up instead of guessing.
        refresh();
        showMessage(tr("The text changed while you edited the form; the forms show it now. Please repeat "
                       "the change."));
        return false;
    }
    const auto &e = result.edit;
    const QByteArray bytes = QByteArray::fromStdString(e.text);
    m_text->beginUndoAction();
    m_text->SendScintilla(QsciScintilla::SCI_SETTARGETSTART, static_cast<unsigned long>(e.offset));
    m_text->SendScintilla(QsciScintilla::SCI_SETTARGETEND, static_cast<unsigned long>(e.offset + e.length));
    m_text->SendScintilla(QsciScintilla::SCI_REPLACETARGET, static_cast<unsigned long>(bytes.size()),
                          bytes.constData());
    m_text->endUndoAction();
    showMessage({});
    // Validate now so the forms, squiggles and problems follow at once.
    m_text->validateNow();
    return true;
}

int VisualEditor::selectedPolicy() const
{
    const auto i = m_policiesView->selectionModel()->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void VisualEditor::selectPolicy(int row)
{
    if (row < 0 || row >= m_policies->rowCount()) {
        m_policiesView->selectionModel()->clearCurrentIndex();
        m_policiesView->clearSelection();
    } else {
        m_policiesView->selectionModel()->setCurrentIndex(m_policies->index(row, 0),
                                                          QItemSelectionModel::ClearAndSelect
                                                              | QItemSelectionModel::Rows);
    }
    policySelectionChanged();
}

void VisualEditor::policySelectionChanged()
{
    const int row = selectedPolicy();
    m_policyFormBox->setEnabled(row >= 0);
    m_policyForm->setPrefix({"policies", std::max(row, 0)});
    if (row < 0 || !m_state)
        return;
    m_policyForm->setState(m_state);
}

void VisualEditor::addPolicy()
{
    QString name;
    for (int n = m_policies->rowCount() + 1;; ++n) {
        name = QStringLiteral("new-policy-%1").arg(n);
        if (!m_state || !m_state->text.ok())
            break;
        bool taken = false;
        for (int r = 0; r < m_policies->rowCount() && !taken; ++r)
            taken = m_policies->index(r, 0).data(Qt::EditRole).toString() == name;
        if (!taken)
            break;
    }
    const int row = selectedPolicy() >= 0 ? selectedPolicy() + 1 : m_policies->rowCount();
    if (!m_policies->insertItem(row, {{"name", edit::Value::string(name.toStdString())},
                                      {"trigger", edit::Value::plain("tool_call")},
                                      {"condition", edit::Value::string("true")},
                                      {"action", edit::Value::plain("log")}}))
        return;
    selectPolicy(row);
    if (auto *w = m_policyForm->field(QStringLiteral("name")))
        w->setFocus();
}

void VisualEditor::removeSelectedPolicy()
{
    const int row = selectedPolicy();
    if (row < 0)
        return;
    if (m_policies->removeItem(row))
        selectPolicy(std::min(row, m_policies->rowCount() - 1));
}

void VisualEditor::moveSelectedPolicy(int delta)
{
    const int row = selectedPolicy();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_policies->rowCount())
        return;
    if (m_policies->moveRows(QModelIndex(), row, 1, QModelIndex(), delta > 0 ? to + 1 : to))
        selectPolicy(to);
}

} // namespace osh::ui
