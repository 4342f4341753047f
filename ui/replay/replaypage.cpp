#include "replaypage.h"

#include "replaymodel.h"
#include "timelineview.h"

#include "service/serviceclient.h"
#include "trace/traceview.h"
#include "service/servicerecords.h"

#include "audit/auditchain.h"
#include "audit/auditstore.h"
#include "audit/audittime.h"
#include "engine/decisionengine.h"
#include "util/qtext.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QDir>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QHideEvent>
#include <QShowEvent>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <unordered_map>

namespace osh::ui {

using replay::Outcome;

ReplayPage::ReplayPage(QWidget *parent)
    : QWidget(parent)
    , m_sessions(new QComboBox(this))
    , m_chainBadge(new QLabel(this))
    , m_message(new QLabel(this))
    , m_timeline(new TimelineView(this))
    , m_play(new QToolButton(this))
    , m_speed(new QComboBox(this))
    , m_toolFilter(new QComboBox(this))
    , m_outcomeFilter(new QComboBox(this))
    , m_severityFilter(new QComboBox(this))
    , m_violationsOnly(new QCheckBox(tr("Violations only"), this))
    , m_textFilter(new QLineEdit(this))
    , m_filterDelay(new QTimer(this))
    , m_listPoll(new QTimer(this))
    , m_model(new ReplayModel(this))
    , m_table(new QTableView(this))
    , m_header(new QLabel(this))
    , m_policyLink(new QLabel(this))
    , m_eventJson(new QPlainTextEdit(this))
    , m_parameters(new QPlainTextEdit(this))
    , m_trace(new TraceView(this))
    , m_whatIfSummary(new QLabel(this))
    , m_whatIfTable(new QTreeWidget(this))
    , m_whatIfButton(new QPushButton(tr("What if…"), this))
{
    buildUi();
    m_sessions->setObjectName(QStringLiteral("sessions"));
    m_listPoll->setInterval(3000);
    connect(m_listPoll, &QTimer::timeout, this, &ReplayPage::refreshSessions);
}

ReplayPage::~ReplayPage()
{
    waitForWorker();
    waitForListRead();
    waitForChainCheck();
}

void ReplayPage::setListInterval(int ms) { m_listPoll->setInterval(std::max(50, ms)); }

void ReplayPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_listPoll->start();
    if (!m_session && m_fetching.isEmpty() && (m_store || m_client))
        openNewestSession(); // lists them too
    else
        refreshSessions();
}

void ReplayPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_listPoll->stop();
}

void ReplayPage::waitForWorker()
{
    ++m_generation; // whatever it delivers now is stale
    if (m_worker) {
        m_worker->wait();
        delete m_worker;
        m_worker = nullptr;
    }
}

void ReplayPage::buildUi()
{
    auto *layout = new QVBoxLayout(this);

    // Session picker.
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Session:"), this));
    // Not sized to its longest session: a long label would widen the page
    // (and the window); the stretch gives it the room there is.
    m_sessions->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_sessions->setMinimumContentsLength(24);
    top->addWidget(m_sessions, 1);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    top->addWidget(refresh);
    auto *open = new QPushButton(tr("Open"), this);
    top->addWidget(open);
    m_chainBadge->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_chainBadge);
    auto *import = new QPushButton(tr("Import…"), this);
    import->setToolTip(tr("A session recorded elsewhere: JSON lines in the osctl eval request format, "
                          "decided by the policy in the editor."));
    top->addWidget(import);
    connect(import, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Import a session"), QString(),
                                                          tr("JSON lines (*.jsonl *.json);;All files (*)"));
        if (!file.isEmpty())
            importSession(file);
    });
    layout->addLayout(top);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);

    // Transport: step, play, speed, zoom, what-if, export.
    auto *transport = new QHBoxLayout;
    auto button = [&](const QString &text, const QString &tip, QStyle::StandardPixmap icon) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setIcon(style()->standardIcon(icon));
        b->setToolButtonStyle(Qt::ToolButtonIconOnly);
        transport->addWidget(b);
        return b;
    };
    auto *first = button(tr("First"), tr("First event (Home)"), QStyle::SP_MediaSkipBackward);
    auto *prevViolation = button(tr("Previous violation"), tr("Previous violation (Ctrl+Left)"), QStyle::SP_MediaSeekBackward);
    auto *prev = button(tr("Previous"), tr("Previous event (Left)"), QStyle::SP_ArrowLeft);
    m_play->setText(tr("Play"));
    m_play->setToolTip(tr("Play or pause (Space)"));
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_play->setCheckable(true);
    transport->addWidget(m_play);
    auto *next = button(tr("Next"), tr("Next event (Right)"), QStyle::SP_ArrowRight);
    auto *nextViolation = button(tr("Next violation"), tr("Next violation (Ctrl+Right)"), QStyle::SP_MediaSeekForward);
    auto *last = button(tr("Last"), tr("Last event (End)"), QStyle::SP_MediaSkipForward);
    for (double s : {0.5, 1.0, 2.0, 4.0, 8.0, 16.0})
        m_speed->addItem(tr("%1×").arg(s), s);
    m_speed->setCurrentIndex(1);
    m_speed->setToolTip(tr("Playback speed"));
    transport->addWidget(m_speed);
    transport->addSpacing(12);
    // Tool buttons, narrower than push buttons: the row fits beside the docks at 1024 wide.
    auto textButton = [this](const QString &text) {
        auto *b = new QToolButton(this);
        b->setText(text);
        return b;
    };
    auto *zoomIn = textButton(tr("Zoom in"));
    auto *zoomOut = textButton(tr("Zoom out"));
    auto *fit = textButton(tr("Show all"));
    transport->addWidget(zoomIn);
    transport->addWidget(zoomOut);
    transport->addWidget(fit);
    transport->addStretch(1);
    auto *whatIfMenu = new QMenu(m_whatIfButton);
    whatIfMenu->addAction(tr("Against the editor's text"), this, &ReplayPage::whatIfFromEditor);
    whatIfMenu->addAction(tr("Against a policy file…"), this, &ReplayPage::whatIfFromFile);
    whatIfMenu->addAction(tr("Against a git revision…"), this, &ReplayPage::whatIfFromRevision);
    whatIfMenu->addAction(tr("Clear what-if"), this, &ReplayPage::clearWhatIf);
    m_whatIfButton->setMenu(whatIfMenu);
    transport->addWidget(m_whatIfButton);
    auto *exportButton = new QPushButton(tr("Export selection…"), this);
    exportButton->setToolTip(tr("The current event, or the shift-selected range, as JSON lines"));
    transport->addWidget(exportButton);
    layout->addLayout(transport);

    // Filter bar.
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Filter:"), this));
    m_toolFilter->addItem(tr("Any tool"));
    filters->addWidget(m_toolFilter);
    m_outcomeFilter->addItem(tr("Any outcome"), -1);
    for (Outcome o : {Outcome::Allow, Outcome::Log, Outcome::Block, Outcome::Redact, Outcome::Throttle, Outcome::Escalate})
        m_outcomeFilter->addItem(qs(replay::outcomeName(o)), static_cast<int>(o));
    m_outcomeFilter->addItem(tr("no decision"), static_cast<int>(Outcome::None));
    filters->addWidget(m_outcomeFilter);
    m_severityFilter->addItem(tr("Any severity"), -1);
    m_severityFilter->addItem(tr("info and above"), static_cast<int>(replay::EventSeverity::Info));
    m_severityFilter->addItem(tr("warning and above"), static_cast<int>(replay::EventSeverity::Warning));
    m_severityFilter->addItem(tr("critical"), static_cast<int>(replay::EventSeverity::Critical));
    filters->addWidget(m_severityFilter);
    filters->addWidget(m_violationsOnly);
    m_textFilter->setPlaceholderText(tr("Text in tool, policy, message or parameters"));
    m_textFilter->setClearButtonEnabled(true);
    filters->addWidget(m_textFilter, 1);
    layout->addLayout(filters);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(300);

    // Timeline above; the table and the details (event, parameters, trace, what-if) below.
    auto *split = new QSplitter(Qt::Vertical, this);
    // The lanes scroll when there are more than the height shows (one per
    // tool): their number must not set the page's minimum height.
    auto *timelineArea = new QScrollArea(split);
    timelineArea->setObjectName(QStringLiteral("timelineArea"));
    timelineArea->setWidgetResizable(true);
    timelineArea->setFrameShape(QFrame::NoFrame);
    timelineArea->setWidget(m_timeline);
    timelineArea->setMinimumHeight(m_timeline->geometry().laneTop(2) + 2); // the axis and two lanes
    split->addWidget(timelineArea);
    auto *lower = new QSplitter(Qt::Horizontal, split);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Fixed widths: sizing to contents would visit a million rows.
    m_table->horizontalHeader()->resizeSection(ReplayModel::SeqColumn, fontMetrics().horizontalAdvance(QStringLiteral("0000000")) + 12);
    m_table->horizontalHeader()->resizeSection(ReplayModel::TimeColumn,
                                               fontMetrics().horizontalAdvance(QStringLiteral("2026-11-27T00:00:00.000Z")) + 16);
    m_table->setWordWrap(false);
    lower->addWidget(m_table);

    auto *details = new QWidget(lower);
    auto *dl = new QVBoxLayout(details);
    dl->setContentsMargins(0, 0, 0, 0);
    // The details never push the table/details divider: their labels wrap
    // (an unwrapped policy link with its file's path would widen the pane
    // each time an event with a policy is selected).
    for (QLabel *l : {m_header, m_policyLink}) {
        l->setWordWrap(true);
        dl->addWidget(l);
    }
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_policyLink->setTextFormat(Qt::RichText);
    m_policyLink->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    auto *tabs = new QTabWidget(details);
    m_detailTabs = tabs;
    m_eventJson->setReadOnly(true);
    m_parameters->setReadOnly(true);
    // The readable trace first; the Event tab keeps the trace as recorded.
    tabs->addTab(m_trace, tr("Decision trace"));
    tabs->addTab(m_eventJson, tr("Event"));
    tabs->addTab(m_parameters, tr("Parameters"));
    dl->addWidget(tabs, 1);
    lower->addWidget(details);

    auto *whatIf = new QWidget(tabs);
    auto *wl = new QVBoxLayout(whatIf);
    wl->setContentsMargins(0, 0, 0, 0);
    m_whatIfSummary->setWordWrap(true);
    m_whatIfSummary->setText(tr("What-if: replay this session against another policy to see which decisions would change."));
    wl->addWidget(m_whatIfSummary);
    m_whatIfTable->setColumnCount(3);
    m_whatIfTable->setHeaderLabels({tr("Change"), tr("Actions"), tr("Policy before → after")});
    wl->addWidget(m_whatIfTable, 1);
    m_whatIfTab = tabs->addTab(whatIf, tr("What-if"));
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    split->addWidget(lower);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(refresh, &QPushButton::clicked, this, &ReplayPage::refreshSessions);
    connect(open, &QPushButton::clicked, this, [this] {
        if (m_sessions->currentIndex() >= 0)
            openSession(m_sessions->currentData().toString());
    });
    connect(m_sessions, &QComboBox::activated, this, [this](int i) { openSession(m_sessions->itemData(i).toString()); });
    connect(first, &QToolButton::clicked, m_timeline, &TimelineView::goToFirst);
    connect(prevViolation, &QToolButton::clicked, m_timeline, &TimelineView::previousViolation);
    connect(prev, &QToolButton::clicked, m_timeline, &TimelineView::stepPrevious);
    connect(next, &QToolButton::clicked, m_timeline, &TimelineView::stepNext);
    connect(nextViolation, &QToolButton::clicked, m_timeline, &TimelineView::nextViolation);
    connect(last, &QToolButton::clicked, m_timeline, &TimelineView::goToLast);
    connect(m_play, &QToolButton::clicked, m_timeline, &TimelineView::setPlaying);
    connect(m_timeline, &TimelineView::playingChanged, this, [this](bool playing) {
        m_play->setChecked(playing);
        m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_timeline->setSpeed(m_speed->itemData(i).toDouble()); });
    connect(zoomIn, &QPushButton::clicked, m_timeline, &TimelineView::zoomIn);
    connect(zoomOut, &QPushButton::clicked, m_timeline, &TimelineView::zoomOut);
    connect(fit, &QPushButton::clicked, m_timeline, &TimelineView::showAll);
    connect(exportButton, &QPushButton::clicked, this, &ReplayPage::exportClicked);

    for (QComboBox *c : {m_toolFilter, m_outcomeFilter, m_severityFilter})
        connect(c, &QComboBox::currentIndexChanged, this, &ReplayPage::filterControlsChanged);
    connect(m_violationsOnly, &QCheckBox::toggled, this, &ReplayPage::filterControlsChanged);
    connect(m_textFilter, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filterDelay, &QTimer::timeout, this, &ReplayPage::filterControlsChanged);

    connect(m_timeline, &TimelineView::currentRowChanged, this, [this](qint64 row) {
        showDetails(row);
        syncTableToTimeline(row);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (m_syncing || !current.isValid())
                    return;
                m_syncing = true;
                m_timeline->setCurrentRow(current.data(ReplayModel::SessionRowRole).toLongLong());
                m_syncing = false;
            });
    connect(m_policyLink, &QLabel::linkActivated, this, &ReplayPage::openDecidingPolicy);
    connect(m_whatIfTable, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QVariant seq = item->data(0, Qt::UserRole);
        if (seq.isValid())
            jumpToSeq(seq.toLongLong());
    });
}

void ReplayPage::showMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString ReplayPage::messageText() const { return m_message->text(); }
QString ReplayPage::detailsText() const { return m_eventJson->toPlainText(); }
QString ReplayPage::headerText() const { return m_header->text(); }
QString ReplayPage::parametersText() const { return m_parameters->toPlainText(); }
QString ReplayPage::policyLinkText() const { return m_policyLink->text(); }
QString ReplayPage::whatIfSummaryText() const { return m_whatIfSummary->text(); }
QString ReplayPage::chainText() const { return m_chainBadge->text(); }
QString ReplayPage::chainDetails() const { return m_chainBadge->toolTip(); }

void ReplayPage::setChainBadge(Badge kind, const QString &text, const QString &details)
{
    m_chainBadge->setText(text);
    m_chainBadge->setToolTip(details);
    // The words carry the meaning; the colour repeats it.
    m_chainBadge->setStyleSheet(kind == Badge::Good  ? QStringLiteral("QLabel { color: #1a7f37; font-weight: bold; }")
                                : kind == Badge::Bad ? QStringLiteral("QLabel { color: #cf222e; font-weight: bold; }")
                                                     : QString());
}

void ReplayPage::checkChain(const QString &id)
{
    ++m_chainGeneration;
    if (m_client) {
        setChainBadge(Badge::Neutral, tr("Chain not checked here"),
                      tr("The events were fetched from the service and cached here; check them where they are stored: "
                         "osctl audit verify --session %1 on the service's host.")
                          .arg(id));
        return;
    }
    if (!m_store)
        return;
    setChainBadge(Badge::Neutral, tr("Checking the chain…"), QString());
    if (m_chainThread) {
        m_chainNext = id; // after the one running, whose result is stale
        return;
    }
    startChainCheck(id);
}

void ReplayPage::startChainCheck(const QString &id)
{
    struct Result
    {
        bool ok = false;
        std::string error;
        osh::audit::ChainReport report;
    };
    auto result = std::make_shared<Result>();
    const quint64 generation = m_chainGeneration;
    // It reads the file on a connection of its own, never m_store.
    m_chainThread = QThread::create([path = m_store->path(), session = id.toStdString(), result, hook = m_readHook] {
        if (hook)
            hook(Read::Chain);
        osh::audit::VerifyOptions options;
        options.sessionId = session;
        std::vector<osh::audit::ChainReport> out;
        result->ok = osh::audit::verifyChains(path, options, out, result->error) && !out.empty();
        if (result->ok)
            result->report = out.front();
    });
    QThread *thread = m_chainThread;
    connect(thread, &QThread::finished, this, [this, thread, result, generation] {
        // After waitForChainCheck() the thread is gone.
        if (thread != m_chainThread)
            return;
        m_chainThread = nullptr;
        thread->deleteLater();
        if (!m_chainNext.isEmpty() && m_store)
            startChainCheck(std::exchange(m_chainNext, QString()));
        if (generation != m_chainGeneration)
            return;
        const auto &r = result->report;
        if (!result->ok) {
            setChainBadge(Badge::Neutral, tr("Chain not checked"), QString::fromStdString(result->error));
            return;
        }
        QString earlier;
        if (r.unchained > 0)
            earlier = QLatin1Char(' ') + tr("%n earlier event(s) were recorded before the store had chains and cannot be checked.", nullptr,
                                            static_cast<int>(r.unchained));
        if (r.broken) {
            setChainBadge(Badge::Bad, tr("✘ Chain broken at seq %1").arg(r.brokenSeq),
                          tr("Event %1: %2. The stored session was changed after it was recorded.")
                                  .arg(r.brokenSeq)
                                  .arg(QString::fromStdString(r.problem))
                              + earlier);
            return;
        }
        if (r.checkpoints == 0) {
            setChainBadge(Badge::Good, tr("✔ Chain intact, not signed"),
                          tr("Every event matches the session's hash chain, but no signed checkpoint vouches for it: "
                             "whoever can write the store could have rewritten the session whole. Sessions the service "
                             "records are signed.")
                              + earlier);
            return;
        }
        const QString signer = QString::fromStdString(r.signer.substr(0, 16));
        if (r.unsignedEvents > 0)
            setChainBadge(Badge::Good, tr("✔ Chain intact, signed to seq %1").arg(r.signedSeq),
                          tr("Every event matches the hash chain; checkpoints signed by key %1… vouch for it up to seq %2. "
                             "%n later event(s) are not signed yet.", nullptr, static_cast<int>(r.unsignedEvents))
                                  .arg(signer)
                                  .arg(r.signedSeq)
                              + earlier);
        else
            setChainBadge(Badge::Good, tr("✔ Chain verified"),
                          tr("Every event matches the hash chain, and a checkpoint signed by key %1… vouches for its last "
                             "event (seq %2). To require the service's key: osctl audit verify --key.")
                                  .arg(signer)
                                  .arg(r.signedSeq)
                              + earlier);
    });
    thread->start();
}

void ReplayPage::waitForChainCheck()
{
    ++m_chainGeneration; // whatever it delivers now is stale
    m_chainNext.clear();
    if (m_chainThread) {
        m_chainThread->wait();
        delete m_chainThread;
        m_chainThread = nullptr;
    }
}

void ReplayPage::setPolicyTextProvider(std::function<QString()> text, std::function<QString()> name)
{
    m_policyText = std::move(text);
    m_policyName = std::move(name);
}

void ReplayPage::setStore(osh::AuditStore *store)
{
    if (store == m_store && !m_client)
        return;
    waitForWorker();
    // The list being read is the old store's: dropped, and the old store
    // (which may go once this returns) no longer read.
    waitForListRead();
    m_openNewest = false;
    m_listedOnce = false;
    m_listed.clear();
    m_sessions->clear();
    showMessage(QString());
    m_timeline->setSession(nullptr);
    m_model->setSession(nullptr);
    m_whatIf.reset();
    m_session.reset();
    m_store = store;
    m_client = nullptr;
    m_cache.reset();
    ++m_chainGeneration;
    m_chainNext.clear(); // the old store's
    setChainBadge(Badge::Neutral, QString(), QString());
    m_serviceSessions.clear();
    m_fetching.clear();
    showDetails(-1);
    fillWhatIfTable();
    refreshSessions();
}

QString ReplayPage::defaultCachePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("replay-cache.db"));
}

bool ReplayPage::setService(ServiceClient *client, const QString &cachePath)
{
    std::string error;
    std::shared_ptr<AuditStore> cache = AuditStore::open(cachePath.toStdString(), error);
    if (!cache) {
        setStore(nullptr);
        showMessage(tr("Cannot open the replay cache %1: %2").arg(cachePath, QString::fromStdString(error)));
        return false;
    }
    setStore(nullptr);
    m_cache = std::move(cache);
    m_store = m_cache.get();
    m_client = client;
    refreshSessions();
    return true;
}

bool ReplayPage::openSession(const QString &id)
{
    // Sessions imported here are only in the cache; the service's are fetched.
    if (m_client && m_serviceSessions.contains(id)) {
        fetchSession(id);
        return true;
    }
    return openCachedSession(id);
}

void ReplayPage::fetchSession(const QString &id)
{
    if (m_fetching == id)
        return;
    m_fetching = id;
    showMessage(tr("Fetching session %1 from openshelld…").arg(id));
    struct Fetched
    {
        QString error;
        std::size_t events = 0;
    };
    const SessionSummary summary = m_serviceSessions.value(id);
    std::shared_ptr<AuditStore> cache = m_cache;
    m_client->run<Fetched>(
        this,
        [id, summary, cache](service::ApiClient &client) {
            Fetched f;
            const std::string sid = id.toStdString();
            // What the cache holds already (an ended session's events never change).
            std::int64_t cached = 0;
            std::string error;
            if (!cache->scanSession(sid, AuditColumns::Compact, [&](const AuditRowView &row) {
                    cached = std::max(cached, row.seq);
                    return true;
                }, error)) {
                f.error = QString::fromStdString(error);
                return f;
            }
            std::vector<AuditEvent> fresh;
            std::string after;
            for (;;) {
                const std::string target = "/v1/audit/events?session=" + service::ApiClient::encode(sid)
                    + "&format=jsonl&limit=10000" + (after.empty() ? std::string() : "&after=" + service::ApiClient::encode(after));
                const service::ApiResponse r = client.request("GET", target, {}, 120000);
                if (!r.ok()) {
                    f.error = QString::fromStdString(r.message());
                    return f;
                }
                std::string_view body = r.body;
                int lineNo = 0;
                while (!body.empty()) {
                    const auto nl = body.find('\n');
                    const std::string_view line = body.substr(0, nl);
                    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
                    ++lineNo;
                    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
                        continue;
                    QString why;
                    auto e = records::auditEvent(line, &why);
                    if (!e) {
                        f.error = QStringLiteral("line %1: %2").arg(lineNo).arg(why);
                        return f;
                    }
                    if (e->seq > cached)
                        fresh.push_back(std::move(*e));
                }
                const auto next = r.headers.find("openshell-next-cursor");
                if (next == r.headers.end() || next->second.empty())
                    break;
                after = next->second;
            }
            SessionRecord record = summary.session;
            record.id = sid;
            cache->beginSession(record);
            for (auto &e : fresh)
                cache->append(std::move(e));
            f.events = fresh.size();
            if (record.endedAt)
                cache->endSession(sid, record.exitStatus, record.exitReason, *record.endedAt);
            if (!cache->flush(60000))
                f.error = QString::fromStdString(cache->lastError());
            return f;
        },
        [this, id](Fetched f) {
            if (m_fetching != id)
                return;
            m_fetching.clear();
            if (!f.error.isEmpty()) {
                showMessage(tr("Cannot fetch session %1 from openshelld: %2").arg(id, f.error));
                return;
            }
            openCachedSession(id);
        });
}

bool ReplayPage::openCachedSession(const QString &id)
{
    if (!m_store) {
        showMessage(tr("No audit store is open."));
        return false;
    }
    waitForWorker();
    std::string error;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    auto loaded = replay::ReplaySession::load(*m_store, id.toStdString(), error);
    QApplication::restoreOverrideCursor();
    if (!loaded) {
        showMessage(tr("Cannot open session %1: %2").arg(id, QString::fromStdString(error)));
        return false;
    }
    m_timeline->setSession(nullptr);
    m_model->setSession(nullptr);
    m_whatIf.reset();
    m_session = std::move(loaded);
    m_model->setSession(&*m_session);
    m_timeline->setSession(&*m_session);
    fillWhatIfTable();
    checkChain(id);

    const QSignalBlocker blocker(m_toolFilter);
    m_toolFilter->clear();
    m_toolFilter->addItem(tr("Any tool"));
    QStringList tools;
    for (std::uint32_t i = 1; i < m_session->toolNames().size(); ++i)
        tools << QString::fromStdString(m_session->toolNames().name(i));
    tools.sort();
    m_toolFilter->addItems(tools);
    const int at = m_sessions->findData(id);
    if (at >= 0)
        m_sessions->setCurrentIndex(at);
    filterControlsChanged();
    showMessage(m_session->empty() ? tr("Session %1 has no events.").arg(id) : QString());
    m_timeline->setFocus();
    Q_EMIT sessionLoaded(id);
    return true;
}

void ReplayPage::filterControlsChanged()
{
    replay::ReplayFilter f;
    if (m_toolFilter->currentIndex() > 0)
        f.tools.push_back(m_toolFilter->currentText().toStdString());
    if (const int o = m_outcomeFilter->currentData().toInt(); o >= 0)
        f.outcomes.push_back(static_cast<Outcome>(o));
    if (const int s = m_severityFilter->currentData().toInt(); s >= 0)
        f.minSeverity = static_cast<replay::EventSeverity>(s);
    f.violationsOnly = m_violationsOnly->isChecked();
    f.text = m_textFilter->text().trimmed().toStdString();
    applyFilter(f);
}

void ReplayPage::applyFilter(const replay::ReplayFilter &f)
{
    if (!m_session)
        return;
    const bool none = f.tools.empty() && f.types.empty() && f.outcomes.empty() && !f.minSeverity && !f.violationsOnly
        && !f.since && !f.until && f.text.empty();
    const std::int64_t current = m_timeline->currentRow();
    if (none) {
        m_model->setSession(&*m_session);
        m_timeline->setIncludedRows(nullptr);
    } else {
        QString error;
        if (!m_model->setFilter(f, &error))
            showMessage(tr("Filtering failed: %1").arg(error));
        m_timeline->setIncludedRows(&m_model->sessionRows());
    }
    syncTableToTimeline(current);
}

void ReplayPage::syncTableToTimeline(std::int64_t row)
{
    if (m_syncing)
        return;
    m_syncing = true;
    const int r = m_model->rowOfSessionRow(row);
    if (r >= 0) {
        const QModelIndex index = m_model->index(r, 0);
        m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->scrollTo(index);
    } else {
        m_table->selectionModel()->clearSelection();
    }
    m_syncing = false;
}

// The session list: replaypagelist.cpp.
// The details, the deciding policy and export: replaypagedetails.cpp.
// What-if and import: replaypagewhatif.cpp.

} // namespace osh::ui
