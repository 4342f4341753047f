# Replay: compact sessions, filters and violations, PII surrogates, what-if
# against the engine, JSON-lines import, schema migration from v2; and the
# osctl replay/import commands end to end (checked against osctl eval).
osh_add_test(NAME tst_replay SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_replay.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/replayfixtures.h LIBS osh_core SQLite::SQLite3)
target_include_directories(tst_replay PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../audit)
# Replay and what-if from a PostgreSQL store (a throwaway cluster, Unix socket only).
add_test(NAME tst_replay_pg COMMAND tst_replay)
set_tests_properties(tst_replay_pg PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql"
                     TIMEOUT 300)

osh_add_test(NAME tst_osctl_replay SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_osctl_replay.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/replayfixtures.h LIBS osh_core)
target_compile_definitions(tst_osctl_replay PRIVATE OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_osctl_replay osctl)

if(TARGET osh_runtime)
    osh_add_test(NAME tst_gatewayrecord SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_gatewayrecord.cpp LIBS osh_runtime)
endif()
