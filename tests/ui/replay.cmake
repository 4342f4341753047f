# The replay timeline: its maths without a display, its models and page offscreen.
osh_add_test(NAME tst_timelinegeometry SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_timelinegeometry.cpp LIBS osh_ui)
osh_add_test(NAME tst_replaypage SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_replaypage.cpp LIBS osh_ui SQLite::SQLite3 GUI)
