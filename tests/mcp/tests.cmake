# MCP clients and servers nobody here wrote, inside real sessions (root, node,
# tests/mcp/node_modules from scripts/setup.sh; missing ones fail with the
# reason, never skip).
osh_add_test(NAME tst_mcpsdk SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_mcpsdk.cpp LIBS osh_runtime)
set_tests_properties(tst_mcpsdk PROPERTIES TIMEOUT 300)
