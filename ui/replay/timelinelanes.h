#pragma once
// The replay timeline's data, laid out for painting: one time-sorted array
// per lane (reasoning, tool calls, policy decisions, network, filesystem,
// outputs and responses, approvals, sandbox, and the what-if diff when set)
// with each event's session row and mark class, plus per-class timestamp
// arrays so a paint can find "is there a block in this pixel column?" by
// binary search instead of visiting every event. Built once per session,
// filter or what-if result; TimelineView paints it, the bench measures it.

#include "replay/replaysession.h"
#include "replay/whatif.h"

#include <QString>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace osh::ui {

enum class TimelineLane : int {
    Reasoning,
    ToolCalls,
    Decisions,
    Network,
    Filesystem,
    Outputs,
    Approvals,
    Sandbox,
    WhatIf, // only when a what-if result is set
};
constexpr int kEventLaneCount = 8;

// How an event is coloured, by increasing weight (a pixel column shows its
// heaviest): no decision, allow/log, redact/throttle, escalate, block.
enum class MarkClass : std::uint8_t { Neutral, Allow, Modify, Escalate, Block };
constexpr int kMarkClassCount = 5;
MarkClass markClass(replay::Outcome outcome);

QString laneName(TimelineLane lane);
// Bit (1 << lane) for each lane an event belongs in: its type's lane, the
// decisions lane when it carries a decision, and the network or filesystem
// lane when that layer decided it.
std::uint32_t laneMask(std::string_view type, std::string_view layer, replay::Outcome outcome);

class TimelineLanes
{
public:
    struct Lane
    {
        std::vector<double> ts;          // sorted
        std::vector<std::uint32_t> rows; // the session row of each mark
        std::vector<MarkClass> classes;  // each mark's class
        std::array<std::vector<double>, kMarkClassCount> classTs; // sorted, per class
        // Counts and heaviest class per time bin, finest level first, each
        // level's bins twice as wide as the one before (level 0: binWidth),
        // from the session's start: what a zoomed-out paint reads instead
        // of the events. Empty for a lane too sparse to need it.
        double binWidth = 0;
        std::vector<std::vector<std::uint32_t>> binCounts;
        std::vector<std::vector<MarkClass>> binWorst;
    };

    // Lays out the rows of the session (all of them, or only those in
    // included, which must be ascending). The session must outlive this.
    void build(const replay::ReplaySession &session, const std::vector<std::uint32_t> *included = nullptr);
    // Adds (or, with nullptr, removes) the what-if lane: the changed actions,
    // coloured by their outcome after.
    void setWhatIf(const replay::WhatIfResult *result);
    void clear();

    const replay::ReplaySession *session() const { return m_session; }
    // Where the bins of every lane start (the session's first event).
    double binOrigin() const { return m_binOrigin; }
    int laneCount() const { return kEventLaneCount + (m_hasWhatIf ? 1 : 0); }
    bool hasWhatIf() const { return m_hasWhatIf; }
    const Lane &lane(int i) const { return m_lanes[static_cast<std::size_t>(i)]; }
    // The laid-out rows in row (seq) order, and the violations among them.
    const std::vector<std::uint32_t> &rows() const { return m_rows; }
    const std::vector<std::uint32_t> &violations() const { return m_violations; }
    // The what-if action shown as mark i of the what-if lane.
    const replay::WhatIfAction *whatIfAction(std::size_t i) const;
    // The changed what-if action of a session row, if any.
    const replay::WhatIfAction *whatIfActionOfRow(std::uint32_t row) const;

    // Included rows before/after row (-1 when none), and the same among
    // violations. row need not itself be included.
    std::int64_t nextRow(std::int64_t row) const { return after(m_rows, row); }
    std::int64_t previousRow(std::int64_t row) const { return before(m_rows, row); }
    std::int64_t nextViolation(std::int64_t row) const { return after(m_violations, row); }
    std::int64_t previousViolation(std::int64_t row) const { return before(m_violations, row); }
    // The last included row whose time is <= t (-1 when none).
    std::int64_t rowAtTime(double t) const;

private:
    static std::int64_t after(const std::vector<std::uint32_t> &v, std::int64_t row);
    static std::int64_t before(const std::vector<std::uint32_t> &v, std::int64_t row);
    void finish(Lane &lane) const;

    const replay::ReplaySession *m_session = nullptr;
    std::array<Lane, kEventLaneCount + 1> m_lanes;
    std::vector<std::uint32_t> m_rows;
    std::vector<std::uint32_t> m_violations;
    // Included rows ordered by time, for playback (rowAtTime).
    std::vector<double> m_timeOrderTs;
    std::vector<std::uint32_t> m_timeOrderRows;
    bool m_hasWhatIf = false;
    double m_binOrigin = 0;
    double m_binSpan = 0;
    std::vector<replay::WhatIfAction> m_whatIf; // the what-if lane's actions, in lane order
};

} // namespace osh::ui
