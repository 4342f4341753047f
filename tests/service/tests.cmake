# openshelld end to end: needs root (the service), gVisor, setpriv.
osh_add_test(NAME tst_openshelld SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_openshelld.cpp ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h
             LIBS osh_runtime osh_core)
target_include_directories(tst_openshelld PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_openshelld PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>" OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_openshelld openshelld osctl)
set_tests_properties(tst_openshelld PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)

# The agents' state store (no service): sealing, key files, access.
osh_add_test(NAME tst_statestore SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_statestore.cpp LIBS osh_runtime osh_core SQLite::SQLite3)

# Clients that are the agent (the Python SDK's routes): external sessions,
# the gateway relayed, agents' state. Needs root and gVisor.
osh_add_test(NAME tst_agentapi SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_agentapi.cpp ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h
             LIBS osh_runtime osh_core)
target_include_directories(tst_agentapi PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_agentapi PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>")
add_dependencies(tst_agentapi openshelld)
set_tests_properties(tst_agentapi PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
