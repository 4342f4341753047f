# The openshelld REST API's OpenAPI document (docs/openapi.json), checked by a
# real OpenAPI 3.1 validator and our own rules (tests/api/validate-openapi.mjs).
# It needs node and tests/api/node_modules (scripts/setup.sh installs both).
# Either missing makes the test fail with the reason, never skip: an unchecked
# document would pass silently.
find_program(OSH_NODE node)
if(OSH_NODE)
    add_test(NAME openapi_document
             COMMAND ${OSH_NODE} ${CMAKE_CURRENT_LIST_DIR}/validate-openapi.mjs
                     ${PROJECT_SOURCE_DIR}/docs/openapi.json
             WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    set_tests_properties(openapi_document PROPERTIES
        ENVIRONMENT "NODE_PATH=${CMAKE_CURRENT_LIST_DIR}/node_modules" TIMEOUT 60)
else()
    add_test(NAME openapi_document
             COMMAND ${CMAKE_COMMAND} -E echo
                     "openapi_document: node was not found when configuring; run scripts/setup.sh (it installs nodejs and npm) and configure again")
    set_tests_properties(openapi_document PROPERTIES
        FAIL_REGULAR_EXPRESSION "node was not found")
endif()
