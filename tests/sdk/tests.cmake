# The Python SDK (sdk/python): pytest with Debian's python3-pytest, against
# a real openshelld it starts itself (root, gVisor). The system's Python:
# the SDK targets Debian 12's 3.11 and its standard library only.
find_program(OSH_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME sdk_python
         COMMAND ${OSH_SYSTEM_PYTHON} -m pytest -q -p no:cacheprovider ${PROJECT_SOURCE_DIR}/sdk/python/tests
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/python)
set_tests_properties(sdk_python PROPERTIES
    ENVIRONMENT "OPENSHELLD=$<TARGET_FILE:openshelld>;PYTHONDONTWRITEBYTECODE=1;PYTHONPATH=${PROJECT_SOURCE_DIR}/sdk/python"
    TIMEOUT 600 RUN_SERIAL TRUE)
