# openshelld end to end: needs root (the service), gVisor, setpriv.
osh_add_test(NAME tst_openshelld SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_openshelld.cpp ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h
             LIBS osh_runtime osh_core)
target_include_directories(tst_openshelld PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_openshelld PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>" OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_openshelld openshelld osctl)
set_tests_properties(tst_openshelld PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)

# The agents' state store (no service): sealing, key files, access.
osh_add_test(NAME tst_statestore SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_statestore.cpp LIBS osh_runtime osh_core SQLite::SQLite3)
# The same with the values in a shared PostgreSQL store (a throwaway cluster).
add_test(NAME tst_statestore_pg COMMAND tst_statestore)
set_tests_properties(tst_statestore_pg PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql")

# Clients that are the agent (the Python SDK's routes): external sessions,
# the gateway relayed, agents' state. Needs root and gVisor.
osh_add_test(NAME tst_agentapi SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_agentapi.cpp ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h
             LIBS osh_runtime osh_core)
target_include_directories(tst_agentapi PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_agentapi PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>")
add_dependencies(tst_agentapi openshelld)
set_tests_properties(tst_agentapi PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)

# Audit forwarding (no service, no root): syslog/CEF formats, an HTTP
# collector that fails, the cursor, and a real rsyslog over TCP and TLS.
osh_add_test(NAME tst_forwarder SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_forwarder.cpp ${CMAKE_CURRENT_LIST_DIR}/httpcollector.h
             LIBS osh_runtime osh_core Qt6::Network SQLite::SQLite3)
target_include_directories(tst_forwarder PRIVATE ${CMAKE_CURRENT_LIST_DIR})
# How often the forwarder counts what is pending while it catches up.
osh_add_test(NAME tst_forwardercount SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_forwardercount.cpp
             ${CMAKE_CURRENT_LIST_DIR}/httpcollector.h LIBS osh_runtime osh_core Qt6::Network SQLite::SQLite3)
target_include_directories(tst_forwardercount PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/../audit)
add_test(NAME tst_forwardercount_pg COMMAND tst_forwardercount)
set_tests_properties(tst_forwardercount_pg PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql")

# openshelld --forward and osctl audit forwarders (as another uid). Needs root.
osh_add_test(NAME tst_openshelldforward SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_openshelldforward.cpp
             ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h ${CMAKE_CURRENT_LIST_DIR}/httpcollector.h
             LIBS osh_runtime osh_core Qt6::Network)
target_include_directories(tst_openshelldforward PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_openshelldforward PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>" OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_openshelldforward openshelld osctl)
set_tests_properties(tst_openshelldforward PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)

# Two openshelld hosts sharing one PostgreSQL store (a throwaway cluster on a
# Unix socket). Needs root and gVisor.
osh_add_test(NAME tst_openshelldshared SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_openshelldshared.cpp
             ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h ${CMAKE_CURRENT_LIST_DIR}/httpcollector.h
             ${CMAKE_CURRENT_SOURCE_DIR}/support/pgcluster.h LIBS osh_runtime osh_core Qt6::Network)
target_include_directories(tst_openshelldshared PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_openshelldshared PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>" OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_openshelldshared openshelld osctl)
set_tests_properties(tst_openshelldshared PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
