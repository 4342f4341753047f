# Real sandboxes (runsc and crun); needs root. `ctest -R sandbox` runs them all.
osh_add_test(NAME tst_sandbox SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sandbox.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxtestutil.h
    LIBS osh_runtime Qt6::Network)
osh_add_test(NAME tst_sandboxisolation SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sandboxisolation.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sandboxtestutil.h LIBS osh_runtime)
set_tests_properties(tst_sandboxisolation PROPERTIES TIMEOUT 400)
# fixedIdsOfTheHostAreRefused runs osctl in a mount namespace of its own.
add_dependencies(tst_sandboxisolation osctl)
target_compile_definitions(tst_sandboxisolation PRIVATE OSCTL_PATH="$<TARGET_FILE:osctl>")
osh_add_test(NAME tst_sandboxworkspace SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sandboxworkspace.cpp
    LIBS osh_runtime PkgConfig::LIBARCHIVE)
set_tests_properties(tst_sandbox PROPERTIES TIMEOUT 400)
osh_add_test(NAME tst_toolpool SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_toolpool.cpp LIBS osh_runtime Qt6::Network)
set_tests_properties(tst_toolpool PROPERTIES TIMEOUT 400)
osh_add_test(NAME tst_mcpserverhost SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_mcpserverhost.cpp LIBS osh_runtime)
osh_add_test(NAME tst_vmmuxhost SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_vmmuxhost.cpp LIBS osh_runtime)
osh_add_test(NAME tst_vminitramfs SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_vminitramfs.cpp LIBS osh_runtime)

# The container filter on its own: a static probe of one call per refused
# group, run on the host with and without the filter (tst_syscallfilter) and
# inside each isolation mode (tst_sandboxisolation).
add_executable(osh-syscall-probe ${CMAKE_CURRENT_LIST_DIR}/syscallprobe.cpp
    ${PROJECT_SOURCE_DIR}/runtime/sandbox/init/syscallfilter.cpp)
set_target_properties(osh-syscall-probe PROPERTIES AUTOMOC OFF)
target_compile_options(osh-syscall-probe PRIVATE -fno-sanitize=all)
target_link_options(osh-syscall-probe PRIVATE -static -fno-sanitize=all)
target_link_libraries(osh-syscall-probe PRIVATE ${SECCOMP_LIBRARIES})
osh_add_test(NAME tst_syscallfilter SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_syscallfilter.cpp)
add_dependencies(tst_syscallfilter osh-syscall-probe)
add_dependencies(tst_sandboxisolation osh-syscall-probe)
target_compile_definitions(tst_syscallfilter PRIVATE OSH_SYSCALL_PROBE="$<TARGET_FILE:osh-syscall-probe>")
target_compile_definitions(tst_sandboxisolation PRIVATE OSH_SYSCALL_PROBE="$<TARGET_FILE:osh-syscall-probe>")
