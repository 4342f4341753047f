# Replay at scale: the synthetic session generator (a library the timeline's
# tests and tools can link, and the osh-sessiongen executable) and the
# open/what-if benchmark over 1,000,000 events.
add_library(osh_sessiongen STATIC ${CMAKE_CURRENT_LIST_DIR}/sessiongen.cpp ${CMAKE_CURRENT_LIST_DIR}/sessiongen.h)
target_link_libraries(osh_sessiongen PUBLIC osh_core osh_strict)
target_include_directories(osh_sessiongen PUBLIC ${CMAKE_CURRENT_LIST_DIR})

add_executable(osh-sessiongen ${CMAKE_CURRENT_LIST_DIR}/sessiongen_main.cpp)
target_link_libraries(osh-sessiongen PRIVATE osh_sessiongen osh_strict)

osh_add_bench(bench_replay ${CMAKE_CURRENT_LIST_DIR}/bench_replay.cpp)
target_link_libraries(bench_replay PRIVATE osh_sessiongen)

# A store shared by several hosts: two writers and a 1,000,000-event replay
# in PostgreSQL beside SQLite (a throwaway cluster; the server's binaries
# come with postgresql-15).
osh_add_bench(bench_pgstore ${CMAKE_CURRENT_LIST_DIR}/bench_pgstore.cpp ${CMAKE_CURRENT_LIST_DIR}/auditevents.h)
target_link_libraries(bench_pgstore PRIVATE osh_sessiongen)
