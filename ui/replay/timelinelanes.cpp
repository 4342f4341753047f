#include "timelinelanes.h"

#include "replay/whatif.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace osh::ui {

using replay::Outcome;

MarkClass markClass(Outcome outcome)
{
    switch (outcome) {
    case Outcome::None:
        return MarkClass::Neutral;
    case Outcome::Allow:
    case Outcome::Log:
        return MarkClass::Allow;
    case Outcome::Redact:
    case Outcome::Throttle:
        return MarkClass::Modify;
    case Outcome::Escalate:
        return MarkClass::Escalate;
    case Outcome::Block:
        return MarkClass::Block;
    }
    return MarkClass::Neutral;
}

QString laneName(TimelineLane lane)
{
    switch (lane) {
    case TimelineLane::Reasoning:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Reasoning");
    case TimelineLane::ToolCalls:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Tool calls");
    case TimelineLane::Decisions:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Policy decisions");
    case TimelineLane::Network:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Network");
    case TimelineLane::Filesystem:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Filesystem");
    case TimelineLane::Outputs:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Outputs & responses");
    case TimelineLane::Approvals:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Approvals");
    case TimelineLane::Sandbox:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "Sandbox");
    case TimelineLane::WhatIf:
        return QCoreApplication::translate("osh::ui::TimelineLanes", "What-if changes");
    }
    return {};
}

namespace {

constexpr std::uint32_t bit(TimelineLane l) { return 1u << static_cast<int>(l); }

std::uint32_t typeMask(std::string_view type)
{
    if (type == "reasoning")
        return bit(TimelineLane::Reasoning);
    if (type == "tool_call")
        return bit(TimelineLane::ToolCalls);
    if (type == "network_egress")
        return bit(TimelineLane::Network);
    if (type == "file_access")
        return bit(TimelineLane::Filesystem);
    if (type == "data_output" || type == "agent_response")
        return bit(TimelineLane::Outputs);
    if (type == "approval")
        return bit(TimelineLane::Approvals);
    // sandbox (limits, exits), session, usage and anything newer.
    return bit(TimelineLane::Sandbox);
}

std::uint32_t layerMask(std::string_view layer)
{
    if (layer == "network")
        return bit(TimelineLane::Network);
    if (layer == "filesystem")
        return bit(TimelineLane::Filesystem);
    if (layer == "sandbox")
        return bit(TimelineLane::Sandbox);
    return 0;
}

} // namespace

std::uint32_t laneMask(std::string_view type, std::string_view layer, Outcome outcome)
{
    return typeMask(type) | layerMask(layer) | (outcome != Outcome::None ? bit(TimelineLane::Decisions) : 0);
}

void TimelineLanes::clear()
{
    m_session = nullptr;
    for (auto &l : m_lanes)
        l = {};
    m_rows.clear();
    m_violations.clear();
    m_timeOrderTs.clear();
    m_timeOrderRows.clear();
    m_hasWhatIf = false;
    m_whatIf.clear();
    m_binOrigin = 0;
    m_binSpan = 0;
}

void TimelineLanes::finish(Lane &lane) const
{
    // Rows come in seq order; times almost always follow, but a hand-written
    // store may not: sort by time then (stable, so ties keep seq order).
    if (!std::is_sorted(lane.ts.begin(), lane.ts.end())) {
        std::vector<std::uint32_t> order(lane.ts.size());
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return lane.ts[a] < lane.ts[b]; });
        Lane sorted;
        sorted.ts.reserve(order.size());
        for (auto i : order) {
            sorted.ts.push_back(lane.ts[i]);
            sorted.rows.push_back(lane.rows[i]);
            sorted.classes.push_back(lane.classes[i]);
        }
        lane.ts = std::move(sorted.ts);
        lane.rows = std::move(sorted.rows);
        lane.classes = std::move(sorted.classes);
    }
    for (auto &c : lane.classTs)
        c.clear();
    for (std::size_t i = 0; i < lane.ts.size(); ++i)
        lane.classTs[static_cast<std::size_t>(lane.classes[i])].push_back(lane.ts[i]);

    // The bin pyramid: about four events per finest bin on average.
    lane.binWidth = 0;
    lane.binCounts.clear();
    lane.binWorst.clear();
    constexpr std::size_t kMinEvents = 4096;
    if (lane.ts.size() < kMinEvents || !(m_binSpan > 0))
        return;
    int levels = 0;
    while ((std::size_t(1) << levels) < lane.ts.size() / 4 && levels < 22)
        ++levels;
    const std::size_t bins = std::size_t(1) << levels;
    lane.binWidth = m_binSpan / static_cast<double>(bins);
    std::vector<std::uint32_t> counts(bins, 0);
    std::vector<MarkClass> worst(bins, MarkClass::Neutral);
    for (std::size_t i = 0; i < lane.ts.size(); ++i) {
        const double b = std::floor((lane.ts[i] - m_binOrigin) / lane.binWidth);
        const auto k = static_cast<std::size_t>(std::clamp(b, 0.0, static_cast<double>(bins - 1)));
        ++counts[k];
        worst[k] = std::max(worst[k], lane.classes[i]);
    }
    lane.binCounts.push_back(std::move(counts));
    lane.binWorst.push_back(std::move(worst));
    while (lane.binCounts.back().size() > 64) {
        const auto &c = lane.binCounts.back();
        const auto &w = lane.binWorst.back();
        std::vector<std::uint32_t> c2(c.size() / 2);
        std::vector<MarkClass> w2(c.size() / 2);
        for (std::size_t k = 0; k < c2.size(); ++k) {
            c2[k] = c[2 * k] + c[2 * k + 1];
            w2[k] = std::max(w[2 * k], w[2 * k + 1]);
        }
        lane.binCounts.push_back(std::move(c2));
        lane.binWorst.push_back(std::move(w2));
    }
}

void TimelineLanes::build(const replay::ReplaySession &session, const std::vector<std::uint32_t> *included)
{
    const bool keepWhatIf = m_hasWhatIf && m_session == &session;
    Lane whatIf;
    std::vector<replay::WhatIfAction> whatIfActions;
    if (keepWhatIf) {
        whatIf = std::move(m_lanes[kEventLaneCount]);
        whatIfActions = std::move(m_whatIf);
    }
    clear();
    m_session = &session;
    m_binOrigin = session.startTs();
    m_binSpan = session.endTs() - session.startTs();

    // Lane masks per interned type and layer, so the loop does no string work.
    std::vector<std::uint32_t> byType(session.typeNames().size());
    for (std::uint32_t i = 0; i < byType.size(); ++i)
        byType[i] = laneMask(session.typeNames().name(i), {}, Outcome::None);
    std::vector<std::uint32_t> byLayer(session.layerNames().size());
    for (std::uint32_t i = 0; i < byLayer.size(); ++i)
        byLayer[i] = layerMask(session.layerNames().name(i));

    if (included) {
        m_rows = *included;
    } else {
        m_rows.resize(session.size());
        std::iota(m_rows.begin(), m_rows.end(), 0u);
    }
    for (auto &l : m_lanes) {
        l.ts.reserve(m_rows.size() / 4);
        l.rows.reserve(m_rows.size() / 4);
        l.classes.reserve(m_rows.size() / 4);
    }
    for (const std::uint32_t row : m_rows) {
        const Outcome o = session.outcome(row);
        std::uint32_t mask = byType[session.typeId(row)] | byLayer[session.layerId(row)];
        if (o != Outcome::None)
            mask |= bit(TimelineLane::Decisions);
        const MarkClass cls = markClass(o);
        const double t = session.ts(row);
        for (int l = 0; l < kEventLaneCount; ++l) {
            if (mask & (1u << l)) {
                auto &lane = m_lanes[static_cast<std::size_t>(l)];
                lane.ts.push_back(t);
                lane.rows.push_back(row);
                lane.classes.push_back(cls);
            }
        }
        if (replay::ReplaySession::isViolation(o, session.severity(row)))
            m_violations.push_back(row);
    }
    for (int l = 0; l < kEventLaneCount; ++l)
        finish(m_lanes[static_cast<std::size_t>(l)]);

    m_timeOrderTs.reserve(m_rows.size());
    for (const std::uint32_t row : m_rows)
        m_timeOrderTs.push_back(session.ts(row));
    m_timeOrderRows = m_rows;
    if (!std::is_sorted(m_timeOrderTs.begin(), m_timeOrderTs.end())) {
        std::stable_sort(m_timeOrderRows.begin(), m_timeOrderRows.end(),
                         [&](auto a, auto b) { return session.ts(a) < session.ts(b); });
        for (std::size_t i = 0; i < m_timeOrderRows.size(); ++i)
            m_timeOrderTs[i] = session.ts(m_timeOrderRows[i]);
    }

    if (keepWhatIf) {
        m_lanes[kEventLaneCount] = std::move(whatIf);
        m_whatIf = std::move(whatIfActions);
        m_hasWhatIf = true;
    }
}

void TimelineLanes::setWhatIf(const replay::WhatIfResult *result)
{
    Lane &lane = m_lanes[kEventLaneCount];
    lane = {};
    m_whatIf.clear();
    m_hasWhatIf = result != nullptr;
    if (!result || !m_session)
        return;
    for (const std::uint32_t i : result->changed) {
        const auto &a = result->actions[i];
        const auto row = m_session->rowOfSeq(a.seq);
        if (!row)
            continue; // an action the loaded session does not hold (another session's result)
        lane.ts.push_back(m_session->ts(*row));
        lane.rows.push_back(static_cast<std::uint32_t>(*row));
        lane.classes.push_back(markClass(a.after));
        m_whatIf.push_back(a);
    }
    // Keep m_whatIf in the lane's order when finish() sorts by time.
    if (!std::is_sorted(lane.ts.begin(), lane.ts.end())) {
        std::vector<std::size_t> order(lane.ts.size());
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return lane.ts[a] < lane.ts[b]; });
        std::vector<replay::WhatIfAction> sorted;
        for (auto k : order)
            sorted.push_back(m_whatIf[k]);
        m_whatIf = std::move(sorted);
    }
    finish(lane);
}

const replay::WhatIfAction *TimelineLanes::whatIfAction(std::size_t i) const
{
    return i < m_whatIf.size() ? &m_whatIf[i] : nullptr;
}

const replay::WhatIfAction *TimelineLanes::whatIfActionOfRow(std::uint32_t row) const
{
    if (!m_hasWhatIf)
        return nullptr;
    const auto &rows = m_lanes[kEventLaneCount].rows;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i] == row)
            return &m_whatIf[i];
    return nullptr;
}

std::int64_t TimelineLanes::after(const std::vector<std::uint32_t> &v, std::int64_t row)
{
    const auto it = row < 0 ? v.begin() : std::upper_bound(v.begin(), v.end(), static_cast<std::uint32_t>(row));
    return it == v.end() ? -1 : static_cast<std::int64_t>(*it);
}

std::int64_t TimelineLanes::before(const std::vector<std::uint32_t> &v, std::int64_t row)
{
    if (row < 0)
        return v.empty() ? -1 : static_cast<std::int64_t>(v.back());
    const auto it = std::lower_bound(v.begin(), v.end(), static_cast<std::uint32_t>(row));
    return it == v.begin() ? -1 : static_cast<std::int64_t>(*(it - 1));
}

std::int64_t TimelineLanes::rowAtTime(double t) const
{
    const auto it = std::upper_bound(m_timeOrderTs.begin(), m_timeOrderTs.end(), t);
    if (it == m_timeOrderTs.begin())
        return -1;
    return m_timeOrderRows[static_cast<std::size_t>(it - m_timeOrderTs.begin() - 1)];
}

} // namespace osh::ui
