# Replay timeline repaint frame times on a 1,000,000-event session (a plain
# executable: it needs a QApplication and reports median/p99 per frame).
# The session comes from the replay benchmark's generator (bench/replay.cmake).
if(TARGET osh_ui AND TARGET osh_sessiongen)
    add_executable(bench_timeline ${CMAKE_CURRENT_LIST_DIR}/bench_timeline.cpp)
    target_link_libraries(bench_timeline PRIVATE osh_ui osh_sessiongen osh_strict)
endif()
