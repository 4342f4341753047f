# The openshelld REST API's OpenAPI document (docs/openapi.json), checked by a
# real OpenAPI 3.1 validator and our own rules (tests/api/validate-openapi.mjs).
# It needs node and tests/api/node_modules (scripts/setup.sh installs both).
# Either missing makes the tests fail with the reason, never skip: an unchecked
# document would pass silently.
#
# openapi_samples checks the recorded responses in tests/api/samples (written
# from a running service's answers) against the document, so the response
# check runs without a service; openapi_samples_broken proves that check
# fails on a response that does not match (it passes only when the expected
# failure is reported).
find_program(OSH_NODE node)
if(OSH_NODE)
    set(_osh_api_env "NODE_PATH=${CMAKE_CURRENT_LIST_DIR}/node_modules")
    add_test(NAME openapi_document
             COMMAND ${OSH_NODE} ${CMAKE_CURRENT_LIST_DIR}/validate-openapi.mjs
                     ${PROJECT_SOURCE_DIR}/docs/openapi.json
             WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    add_test(NAME openapi_samples
             COMMAND ${OSH_NODE} ${CMAKE_CURRENT_LIST_DIR}/validate-openapi.mjs
                     ${PROJECT_SOURCE_DIR}/docs/openapi.json --responses ${CMAKE_CURRENT_LIST_DIR}/samples
             WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    add_test(NAME openapi_samples_broken
             COMMAND ${OSH_NODE} ${CMAKE_CURRENT_LIST_DIR}/validate-openapi.mjs
                     ${PROJECT_SOURCE_DIR}/docs/openapi.json --responses ${CMAKE_CURRENT_LIST_DIR}/samples-broken
             WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    set_tests_properties(openapi_document openapi_samples openapi_samples_broken PROPERTIES
        ENVIRONMENT "${_osh_api_env}" TIMEOUT 60)
    set_tests_properties(openapi_samples_broken PROPERTIES
        PASS_REGULAR_EXPRESSION "audit-events-invented-members.json: GET /v1/audit/events 200 application/json: body/events/0: must NOT have additional properties[^\n]*\"session\"")
else()
    foreach(_osh_api_test openapi_document openapi_samples openapi_samples_broken)
        add_test(NAME ${_osh_api_test}
                 COMMAND ${CMAKE_COMMAND} -E echo
                         "${_osh_api_test}: node was not found when configuring; run scripts/setup.sh (it installs nodejs and npm) and configure again")
        set_tests_properties(${_osh_api_test} PROPERTIES
            FAIL_REGULAR_EXPRESSION "node was not found")
    endforeach()
endif()
