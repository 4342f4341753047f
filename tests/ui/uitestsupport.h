#pragma once
// Shared setup of the widget tests: a fresh temporary workspace folder per
// test with helpers to write files into it, an audit store inside it, a small
// valid policy (testworkspace.h), and the skip for machines without gVisor.

#include "sandbox/sandbox.h"
#include "testworkspace.h"

#include <QString>
#include <QTest>

// Skips the current test when gVisor cannot run here, saying why.
#define OSH_REQUIRE_GVISOR()                                                                                                \
    do {                                                                                                                    \
        if (const QString why_ = osh::runtime::Sandbox::availability(osh::Isolation::Gvisor); !why_.isEmpty())             \
            QSKIP(qPrintable(why_));                                                                                        \
    } while (false)
