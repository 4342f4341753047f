# The demo workspace's tools (examples/customer-support/tools): their egress
# through a stand-in proxy on loopback, with Debian's python3-pytest.
find_program(OSH_EXAMPLES_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME demo_tools_egress
         COMMAND ${OSH_EXAMPLES_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(demo_tools_egress PROPERTIES ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1" TIMEOUT 120)
