# The sandbox launcher (gVisor and crun) and its in-sandbox init.
target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sandbox.cpp ${CMAKE_CURRENT_LIST_DIR}/sandbox.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxbundle.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxbundle.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxcgroup.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxcgroup.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxexit.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxexit.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxmicrovm.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxmicrovm.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxspec.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxspec.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxwatchdog.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxwatchdog.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxworkspace.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxworkspace.h
    ${CMAKE_CURRENT_LIST_DIR}/vminitramfs.cpp ${CMAKE_CURRENT_LIST_DIR}/vminitramfs.h
    ${CMAKE_CURRENT_LIST_DIR}/vmmuxhost.cpp ${CMAKE_CURRENT_LIST_DIR}/vmmuxhost.h
)

# Process 1 inside every sandbox: static, libc only, copied into the sandbox root.
add_executable(osh-sandbox-init ${CMAKE_CURRENT_LIST_DIR}/init/osh-sandbox-init.cpp)
set_target_properties(osh-sandbox-init PROPERTIES AUTOMOC OFF)
# A static binary cannot carry the sanitizer runtimes of the asan/fuzz presets.
target_compile_options(osh-sandbox-init PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${OSH_WERROR}>:-Werror> -fno-sanitize=all)
target_link_options(osh-sandbox-init PRIVATE -static -fno-sanitize=all)

# The stdio MCP server inside every sandbox (/opt/openshell/bin/openshell-mcp),
# built beside the init and found there: static, libc only, like it.
add_executable(openshell-mcp ${CMAKE_CURRENT_LIST_DIR}/init/openshell-mcp.cpp)
set_target_properties(openshell-mcp PROPERTIES AUTOMOC OFF)
target_compile_options(openshell-mcp PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${OSH_WERROR}>:-Werror> -fno-sanitize=all)
target_link_options(openshell-mcp PRIVATE -static -fno-sanitize=all)

# The build tree's init; tests elsewhere may set OSH_SANDBOX_INIT (as root: a file
# root alone can change, see Sandbox::initPath).
add_dependencies(osh_runtime osh-sandbox-init openshell-mcp)
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/sandbox.cpp APPEND PROPERTY COMPILE_DEFINITIONS
    OSH_SANDBOX_INIT_PATH="$<TARGET_FILE:osh-sandbox-init>" OSH_BUILD_DIR="${PROJECT_BINARY_DIR}")

# The container filter (init/syscallfilter.h), built with libseccomp and
# linked statically into the init.
pkg_check_modules(SECCOMP REQUIRED libseccomp)
target_sources(osh-sandbox-init PRIVATE ${CMAKE_CURRENT_LIST_DIR}/init/syscallfilter.cpp ${CMAKE_CURRENT_LIST_DIR}/init/syscallfilter.h)
target_include_directories(osh-sandbox-init PRIVATE ${SECCOMP_INCLUDE_DIRS})
target_link_libraries(osh-sandbox-init PRIVATE ${SECCOMP_LIBRARIES})

# The microVM's process 1 (its initramfs' /init) and the host helper that
# starts virtiofsd for it in a user namespace: static, libc only, like the init.
foreach(t osh-vm-init osh-vm-fsd)
    add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/init/${t}.cpp)
    set_target_properties(${t} PROPERTIES AUTOMOC OFF)
    target_compile_options(${t} PRIVATE -Wall -Wextra -Wpedantic $<$<BOOL:${OSH_WERROR}>:-Werror> -fno-sanitize=all)
    target_link_options(${t} PRIVATE -static -fno-sanitize=all)
endforeach()
add_dependencies(osh_runtime osh-vm-init osh-vm-fsd)

# Installed, the helpers live in libexec/openshell, where Sandbox::initPath()
# finds them from the executable's own folder.
install(TARGETS osh-sandbox-init openshell-mcp osh-vm-init osh-vm-fsd
        RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/openshell)
