# The replay timeline: its maths without a display, its models and page offscreen.
osh_add_test(NAME tst_timelinegeometry SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_timelinegeometry.cpp LIBS osh_ui)
# The Replay page in three executables sharing replaypagefixture.h: its
# session list and opening, its timeline, its details, trace and what-if.
foreach(name tst_replaypage tst_replaypage_timeline tst_replaypage_trace)
    osh_add_test(NAME ${name} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${name}.cpp ${CMAKE_CURRENT_LIST_DIR}/replaypagefixture.h
                 LIBS osh_ui SQLite::SQLite3 GUI)
endforeach()
