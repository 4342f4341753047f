osh_add_test(NAME tst_osctl SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_osctl.cpp LIBS osh_core)
target_compile_definitions(tst_osctl PRIVATE OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_osctl osctl)
